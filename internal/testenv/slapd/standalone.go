package slapd

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"
)

// StartStandalone starts a private slapd outside a test — for programs
// such as the load tool (test/load) — and returns it with the function
// that stops it and removes its directory. Unlike Start it neither skips
// nor fails a test: a missing slapd is an error saying how to install it.
func StartStandalone(o Options) (*Server, func(), error) {
	if missing := findBinaries(); missing != "" {
		return nil, nil, fmt.Errorf("slapd: %s not found; install OpenLDAP with: %s", missing, InstallHint)
	}
	r := &cleanups{}
	servers, err := startSet(r, o.withDefaults(), 1)
	if err != nil {
		r.run()
		return nil, nil, fmt.Errorf("slapd: %w", err)
	}
	return servers[0], r.run, nil
}

// PID is the process id of the running slapd (for measuring its CPU time
// and memory from /proc).
func (s *Server) PID() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0, errors.New("slapd is not running")
	}
	return s.cmd.Process.Pid, nil
}

// cleanups stands in for the testing.TB that startSet records its cleanups
// on: startSet calls only Helper, Cleanup and (from a cleanup) Errorf.
// The embedded TB is nil, so any other method would panic — a loud sign
// that startSet began using one and this stand-in needs it too.
type cleanups struct {
	testing.TB
	fns []func()
}

func (c *cleanups) Helper() {}

func (c *cleanups) Cleanup(f func()) { c.fns = append(c.fns, f) }

func (c *cleanups) Errorf(format string, args ...any) {
	slog.Warn("slapd: " + fmt.Sprintf(format, args...))
}

// run calls the cleanups in reverse order, as testing does.
func (c *cleanups) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
	c.fns = nil
}
