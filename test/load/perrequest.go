package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// perRequest measures reading and creating one user, raw LDAP beside each
// dialect, at every concurrency: for each concurrency every target runs
// back to back, so the machine's state is as alike as it can be.
func perRequest(ctx context.Context, o *options, rep *report) error {
	fx := fixture{users: o.users, groups: o.groups}
	slog.Info("starting slapd and dirgate", "users", fx.users, "groups", fx.groups, "readModel", o.readModel)
	s, err := startStack(ctx, o, fx)
	if err != nil {
		return err
	}
	defer s.close()
	rep.slapdLoad = s.slapdLoad
	slog.Info("stack ready", "slapadd+start", s.slapdLoad.Round(time.Millisecond))
	slapdPID, err := s.slapdPID()
	if err != nil {
		return err
	}
	if err := s.probe(ctx); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	for _, g := range s.gates {
		v, err := rss(g.pid())
		if err != nil {
			return err
		}
		rep.setIdleRSS(g.readModel, v, false)
	}
	for _, kind := range []string{kindGet, kindCreate} {
		if !o.phases[phaseOf(kind)] {
			continue
		}
		targets := s.targets(kind, o.only)
		for _, n := range o.clients {
			for round := range o.rounds {
				if err := measureRound(ctx, o, rep, s, slapdPID, targets, n, round); err != nil {
					return err
				}
			}
		}
	}
	for _, g := range s.gates {
		v, err := rss(g.pid())
		if err != nil {
			return err
		}
		rep.setIdleRSS(g.readModel, v, true)
	}
	return nil
}

// measureRound measures every target once at n clients, the CPU of
// dirgate being that of the process serving the target (for raw LDAP,
// the first, idle).
func measureRound(ctx context.Context, o *options, rep *report, s *stack, slapdPID int, targets []target, n, round int) error {
	for _, t := range targets {
		var hook func(time.Duration)
		if o.pprofDir != "" && n == 16 && round == 0 {
			hook = profileHook(o.pprofDir, t)
		}
		serving := s.gates[0]
		if t.gate != nil {
			serving = t.gate
		}
		m, err := measure(ctx, t, n, o.warmup, o.window, procs{dirgate: serving.pid(), slapd: slapdPID}, hook)
		if err != nil {
			return err
		}
		slog.Info("measured", "kind", m.Kind, "target", m.Target, "clients", n, "round", round+1,
			"ops/s", fmt.Sprintf("%.0f", m.OpsPerSec), "p50", m.P50.Round(time.Microsecond), "p99", m.P99.Round(time.Microsecond),
			"dirgate µs/req", us(m.DirgateCPU), "slapd µs/req", us(m.SlapdCPU), "errors", m.Errors, "load", m.LoadAvg)
		if m.Errors > 0 {
			slog.Warn("errors during the run", "target", m.Target, "first", m.FirstError)
		}
		rep.add(m)
	}
	return nil
}

func phaseOf(kind string) string {
	if kind == kindCreate {
		return "create"
	}
	return "get"
}

// targets lists raw LDAP and the dialects for one kind of operation, each
// dialect once per dirgate process (readModel off, then on), restricted
// to only when given.
func (s *stack) targets(kind string, only map[string]bool) []target {
	var out []target
	pick := func(name string) bool {
		return len(only) == 0 || only[strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(name))] ||
			(name == "raw LDAP" && only["raw"])
	}
	if pick("raw LDAP") {
		if kind == kindGet {
			out = append(out, s.rawGet())
		} else {
			out = append(out, s.rawCreate())
		}
	}
	for _, d := range dialects {
		if !pick(d.name) {
			continue
		}
		for _, g := range s.gates {
			switch {
			case kind == kindGet:
				out = append(out, g.getTarget(d))
			case d.create != nil:
				out = append(out, g.createTarget(d))
			}
		}
	}
	return out
}

// probe sends one read and one create through every target, so a broken
// setup fails at once with the answer instead of as a run full of errors.
func (s *stack) probe(ctx context.Context) error {
	for _, kind := range []string{kindGet, kindCreate} {
		for _, t := range s.targets(kind, nil) {
			o, done, err := t.client(ctx, int(runCount.Add(1)), 0)
			if err != nil {
				return fmt.Errorf("probe %s %s: %w", kind, t.name, err)
			}
			err = o(ctx)
			done()
			if err != nil {
				return fmt.Errorf("probe %s %s: %w (dirgate logs: %s)", kind, t.name, err, s.logPaths())
			}
		}
	}
	return nil
}

// us renders a duration in whole microseconds.
func us(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Microsecond)) }

// logPaths lists the dirgate logs, for error messages.
func (s *stack) logPaths() string {
	var paths []string
	for _, g := range s.gates {
		paths = append(paths, g.logPath())
	}
	return strings.Join(paths, ", ")
}
