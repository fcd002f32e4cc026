// Command load is dirgate's load test (`make load`): it bulk-loads a
// private slapd, starts the built dirgate on it with all six dialects —
// two processes by default, one with the read model off and one with it
// on — and measures, in one run and side by side, raw LDAP against each
// dialect of each process —
// reading one user and creating one — at several concurrencies, with the
// CPU each process spends per request; then listing 100,000 users through
// the OpenAPI paging against ldapsearch, idle memory, and start-up time on
// the embedded backend. It writes a Markdown report and a chart.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	bin, out, workDir string
	users, groups     int
	listUsers         int
	warmup, window    time.Duration
	clients           []int
	phases            map[string]bool
	only              map[string]bool // targets to measure; empty: all
	pprofDir          string
	startRuns         int
	rounds            int
	listRuns          int
	keepWork          bool
	readModel         string // the LDAP backend's readModel setting
	modelMemLimit     string // GOMEMLIMIT of the dirgate with the model on ("": none)
}

func parseFlags() (*options, error) {
	o := &options{}
	var clients, phases, only string
	flag.StringVar(&o.bin, "bin", "", "dirgate binary to measure (default: build one from this checkout)")
	flag.StringVar(&o.out, "out", "docs/benchmarks", "directory of the report (load-report.md) and chart (load-report.svg)")
	flag.StringVar(&o.workDir, "work", "", "working directory for slapd and dirgate data (default: a temporary one)")
	flag.IntVar(&o.users, "users", 10000, "fixture users for the per-request phases")
	flag.IntVar(&o.groups, "groups", 100, "fixture groups")
	flag.IntVar(&o.listUsers, "list-users", 100000, "users listed in the listing phase")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "time each run warms up before measuring")
	flag.DurationVar(&o.window, "window", 4*time.Second, "measured time of each run")
	flag.StringVar(&clients, "clients", "1,16,64", "concurrent clients, comma-separated")
	flag.StringVar(&phases, "phases", "get,create,list,start", "phases to run: get, create, list, start")
	flag.StringVar(&only, "only", "", "measure only these targets (comma-separated: raw,artica,adweb,privacyidea,kanboard,openapi,scim,scimbyid)")
	flag.StringVar(&o.pprofDir, "pprof", "", "capture dirgate CPU and allocation profiles of each 16-client run and of the first timed listing into this directory")
	flag.IntVar(&o.startRuns, "start-runs", 7, "starts of dirgate on the embedded backend to time")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of every target at each concurrency, interleaved; the report gives medians")
	flag.IntVar(&o.listRuns, "list-runs", 3, "listings of each kind to time")
	flag.BoolVar(&o.keepWork, "keep", false, "keep the working directory (logs) afterwards")
	flag.StringVar(&o.readModel, "readmodel", readModelBoth, "the LDAP backend's readModel setting (docs/backends.md): off or on (one dirgate), or both (two dirgate processes on the same slapd, measured in the same rounds)")
	flag.StringVar(&o.modelMemLimit, "model-memlimit", "", "GOMEMLIMIT of the dirgate with the read model on, e.g. 200MiB (docs/backends.md, sizing); none by default")
	flag.Parse()
	for f := range strings.SplitSeq(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-clients: %q is not a positive number", f)
		}
		o.clients = append(o.clients, n)
	}
	if o.rounds < 1 {
		return nil, fmt.Errorf("-rounds: %d is not a positive number", o.rounds)
	}
	if _, err := readModels(o.readModel); err != nil {
		return nil, err
	}
	o.phases = set(phases)
	o.only = set(only)
	return o, nil
}

func set(list string) map[string]bool {
	m := map[string]bool{}
	for f := range strings.SplitSeq(list, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			m[f] = true
		}
	}
	return m
}

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	o, err := parseFlags()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o *options) error {
	if o.workDir == "" {
		dir, err := os.MkdirTemp("", "dirgate-load-")
		if err != nil {
			return err
		}
		o.workDir = dir
		if !o.keepWork {
			defer os.RemoveAll(dir)
		}
	}
	if o.bin == "" {
		o.bin = filepath.Join(o.workDir, "dirgate")
		slog.Info("building dirgate", "out", o.bin)
		if err := buildDirgate(ctx, o.bin); err != nil {
			return err
		}
	}
	rep := newReport(o)
	if o.phases["get"] || o.phases["create"] {
		if err := perRequest(ctx, o, rep); err != nil {
			return err
		}
	}
	if o.phases["list"] {
		if err := listing(ctx, o, rep); err != nil {
			return err
		}
	}
	if o.phases["start"] {
		if err := startup(ctx, o, rep); err != nil {
			return err
		}
	}
	rep.finish()
	if err := rep.write(o.out); err != nil {
		return err
	}
	rep.printSummary(os.Stdout)
	return nil
}

// flagsGiven renders the flags set on the command line that change what
// is measured (not -bin, -out, -work or -keep).
func flagsGiven() string {
	var b strings.Builder
	flag.Visit(func(f *flag.Flag) {
		if f.Name != "bin" && f.Name != "out" && f.Name != "work" && f.Name != "keep" {
			fmt.Fprintf(&b, " -%s %s", f.Name, f.Value.String())
		}
	})
	return b.String()
}
