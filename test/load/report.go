package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// report collects every figure of a run.
type report struct {
	o            *options
	began, ended time.Time
	loadBefore   string
	loadAfter    string
	machine      string
	versions     string
	slapdLoad    time.Duration
	listLoad     time.Duration
	measurements []measurement
	// Idle RSS of the dirgate with the model off and on, after start and
	// after every load run.
	idleRSSLDAP, endRSSLDAP   int64
	idleRSSModel, endRSSModel int64
	ldapsearch                []listRun
	listings                  []*gateListing
	firstStart                time.Duration
	starts                    []time.Duration
	idleRSSEmbedded           int64
	verdicts                  []verdict
}

func newReport(o *options) *report {
	return &report{o: o, began: time.Now(), loadBefore: loadAverage(), machine: machine(), versions: versions(o.bin)}
}

func (r *report) add(m measurement) { r.measurements = append(r.measurements, m) }

// setIdleRSS records a dirgate's RSS after start or, end, after the runs.
func (r *report) setIdleRSS(readModel string, v int64, end bool) {
	switch {
	case readModel == readModelOn && end:
		r.endRSSModel = v
	case readModel == readModelOn:
		r.idleRSSModel = v
	case end:
		r.endRSSLDAP = v
	default:
		r.idleRSSLDAP = v
	}
}

// listingOf is the listing of the dirgate with this readModel setting,
// or nil when none ran or none was timed.
func (r *report) listingOf(readModel string) *gateListing {
	for _, gl := range r.listings {
		if gl.readModel == readModel && len(gl.openAPI) > 0 {
			return gl
		}
	}
	return nil
}

func (r *report) finish() {
	r.ended, r.loadAfter = time.Now(), loadAverage()
	r.measurements = summarize(r.measurements)
	r.verdicts = r.judge()
}

// find returns the measurement of a target, or nil.
func (r *report) find(kind, target string, clients int) *measurement {
	for i := range r.measurements {
		m := &r.measurements[i]
		if m.Kind == kind && m.Target == target && m.Clients == clients {
			return m
		}
	}
	return nil
}

// write puts load-report.md and load-report.svg in dir.
func (r *report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeChart(filepath.Join(dir, chartFile), r); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, reportFile))
	if err != nil {
		return err
	}
	r.markdown(f)
	return f.Close()
}

const (
	reportFile = "load-report.md"
	chartFile  = "load-report.svg"
)

// machine describes the CPU, memory and kernel.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if v, err := memInfo("MemTotal"); err == nil {
		mem = fmt.Sprintf(", %.1f GiB RAM", float64(v)/(1<<30))
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%s, %d cores%s, Linux %s", model, runtime.NumCPU(), mem, strings.TrimSpace(string(kernel)))
}

func memInfo(key string) (int64, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			var kb int64
			_, err := fmt.Sscan(rest, &kb)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("%s not in /proc/meminfo", key)
}

// versions names the software measured.
func versions(bin string) string {
	dg, _ := exec.Command(bin, "version").Output()
	sl, _ := exec.Command("slapd", "-VV").CombinedOutput()
	slapd := "slapd (version unknown)"
	if m := slapdVersion.FindString(string(sl)); m != "" {
		slapd = "OpenLDAP " + m
	}
	return fmt.Sprintf("%s, %s, %s", strings.TrimSpace(firstLine(string(dg))), runtime.Version(), slapd)
}

// slapdVersion finds "slapd 2.5.13+dfsg-5" in slapd -VV's banner.
var slapdVersion = regexp.MustCompile(`slapd [0-9][^ ]*`)

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// printSummary writes the verdicts and the 16-client table to w.
func (r *report) printSummary(w io.Writer) {
	fmt.Fprintf(w, "\ndirgate load test — %s\n", r.machine)
	fmt.Fprintf(w, "load average before %s, after %s\n\n", r.loadBefore, r.loadAfter)
	for _, kind := range []string{kindGet, kindCreate} {
		for _, n := range r.o.clients {
			raw := r.find(kind, "raw LDAP", n)
			first := true
			for _, m := range r.measurements {
				if m.Kind != kind || m.Clients != n {
					continue
				}
				if first {
					fmt.Fprintf(w, "%s, %d clients:\n", kind, n)
					first = false
				}
				fmt.Fprintf(w, "  %-24s %8.0f ops/s %6s  p50 %7s  p99 %7s  dirgate %6s µs/req  slapd %6s µs/req  errors %d\n",
					m.Target, m.OpsPerSec, ratio(m.OpsPerSec, raw), ms(m.P50), ms(m.P99), us(m.DirgateCPU), us(m.SlapdCPU), m.Errors)
			}
		}
	}
	for _, gl := range r.listings {
		if len(gl.openAPI) == 0 {
			continue
		}
		ls, oa, sc := median(r.ldapsearch), median(gl.openAPI), median(gl.scim)
		fmt.Fprintf(w, "\nlisting %d users, readModel %s: ldapsearch %s, OpenAPI %s (%.2f×), SCIM %s (%.2f×), dirgate peak RSS %.1f MiB; after start %.1f MiB (VmHWM %.1f MiB)\n",
			oa.Entries, gl.readModel, ls.Took.Round(time.Millisecond), oa.Took.Round(time.Millisecond), oa.Took.Seconds()/ls.Took.Seconds(),
			sc.Took.Round(time.Millisecond), sc.Took.Seconds()/ls.Took.Seconds(), mib(gl.peakRSS()), mib(gl.loadedRSS), mib(gl.loadedHWM))
	}
	if r.idleRSSLDAP > 0 || r.idleRSSEmbedded > 0 || r.idleRSSModel > 0 {
		fmt.Fprintf(w, "idle RSS: %.1f MiB (LDAP, six dialects), %.1f MiB (LDAP with the read model), %.1f MiB (embedded)\n",
			mib(r.idleRSSLDAP), mib(r.idleRSSModel), mib(r.idleRSSEmbedded))
	}
	if len(r.starts) > 0 {
		fmt.Fprintf(w, "start to ready (embedded): median %s, first start %s\n", medianDuration(r.starts).Round(time.Microsecond), r.firstStart.Round(time.Microsecond))
	}
	fmt.Fprintln(w)
	for _, v := range r.verdicts {
		mark := "MET "
		if !v.met {
			mark = "GAP "
		}
		fmt.Fprintf(w, "%s issue %d: %-58s %s (goal %s)\n", mark, v.issue, v.what, v.measured, v.goal)
	}
	fmt.Fprintf(w, "\nreport: %s, chart: %s\n", filepath.Join(r.o.out, reportFile), filepath.Join(r.o.out, chartFile))
}

// ratio renders a target's throughput as a multiple of raw LDAP's.
func ratio(opsPerSec float64, raw *measurement) string {
	if raw == nil || raw.OpsPerSec == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", opsPerSec/raw.OpsPerSec)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[len(ds)/2]
}
