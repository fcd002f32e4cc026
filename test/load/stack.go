package main

import (
	"context"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

// stack is one slapd loaded with a fixture and the dirgate processes
// serving all six dialects on it: one per readModel setting measured.
type stack struct {
	fx        fixture
	srv       *slapd.Server
	stopSlapd func()
	gates     []*gate
	// slapdLoad is how long slapadd took to load the fixture.
	slapdLoad time.Duration
}

// startStack bulk-loads the fixture into a private slapd (slapadd) and
// starts a dirgate on it for each readModel setting, one after the
// other: a dirgate with the model on is ready when its model is loaded.
func startStack(ctx context.Context, o *options, fx fixture) (*stack, error) {
	settings, err := readModels(o.readModel)
	if err != nil {
		return nil, err
	}
	s := &stack{fx: fx}
	start := time.Now()
	srv, stop, err := slapd.StartStandalone(slapd.Options{LDIF: fx.ldif()})
	if err != nil {
		return nil, err
	}
	s.srv, s.stopSlapd, s.slapdLoad = srv, stop, time.Since(start)
	for _, rm := range settings {
		g, err := s.startGate(ctx, o, rm)
		if err != nil {
			s.close()
			return nil, err
		}
		s.gates = append(s.gates, g)
	}
	return s, nil
}

func (s *stack) close() {
	for _, g := range s.gates {
		g.dg.stop()
	}
	if s.stopSlapd != nil {
		s.stopSlapd()
	}
}

func (s *stack) slapdPID() (int, error) { return s.srv.PID() }
