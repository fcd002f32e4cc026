package artica

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// scheduler runs the configured backups: every Interval, or daily at a
// local HH:MM. It runs on the dialect's lifetime context, so Close stops
// it.
type scheduler struct {
	interval time.Duration
	daily    string

	mu     sync.Mutex
	cancel context.CancelFunc
	next   time.Time
}

// scheduleInfo is the Data of GET /openldap/set/schedule.
type scheduleInfo struct {
	Enabled  bool      `json:"enabled"`
	Interval string    `json:"interval,omitempty"`
	Daily    string    `json:"daily,omitempty"`
	Next     time.Time `json:"next,omitzero"`
}

func (s *scheduler) enabled() bool { return s.interval > 0 || s.daily != "" }

// nextAfter is when the next scheduled backup runs.
func (s *scheduler) nextAfter(now time.Time) time.Time {
	if s.interval > 0 {
		return now.Add(s.interval)
	}
	at, err := parseDaily(s.daily)
	if err != nil {
		return time.Time{} // validated at load: cannot happen
	}
	// Built from the wall clock, not by adding a duration to midnight, so
	// a daylight-saving day still runs at HH:MM.
	next := time.Date(now.Year(), now.Month(), now.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, now.Location())
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// parseDaily reads "HH:MM" as the time of day it names.
func parseDaily(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day like 03:30", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// start (re)starts the schedule from now; it does nothing when no
// schedule is configured or the dialect is closing.
func (s *scheduler) start(d *Dialect) scheduleInfo {
	info := scheduleInfo{Enabled: s.enabled(), Daily: s.daily}
	if s.interval > 0 {
		info.Interval = s.interval.String()
	}
	if !info.Enabled {
		return info
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(d.bg)
	s.cancel = cancel
	s.next = s.nextAfter(time.Now())
	info.Next = s.next
	first := s.next
	d.background(func(context.Context) { s.run(ctx, d, first) })
	return info
}

// run takes a backup at each due time until ctx ends.
func (s *scheduler) run(ctx context.Context, d *Dialect, next time.Time) {
	caller := identity.Caller{Name: "artica-schedule", Dialect: Name}
	for {
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		meta, err := d.backups.take(ctx, d.domain, caller, time.Now())
		switch {
		case errors.Is(err, errBusy):
			d.log.Warn("artica scheduled backup skipped: a backup or restore is running")
		case err != nil:
			d.log.Error("artica scheduled backup failed", "error", err)
		default:
			d.log.Info("artica scheduled backup written", "file", meta.File, "entries", meta.Entries, "size", meta.Size)
		}
		next = s.nextAfter(time.Now())
		s.mu.Lock()
		s.next = next
		s.mu.Unlock()
	}
}

// applySchedule answers GET /openldap/set/schedule: the configured
// schedule is (re)applied from now and its next run reported.
func (d *Dialect) applySchedule(c echo.Context) error {
	if _, readOnly := callerOf(c); readOnly {
		return fail(c, "permission denied: a read-only key cannot change the backup schedule")
	}
	if d.bg.Err() != nil {
		return fail(c, "the service is shutting down")
	}
	info := d.schedule.start(d)
	if !info.Enabled {
		return d.doneWith(c, "no backup schedule is configured", info)
	}
	return d.doneWith(c, "next backup at "+info.Next.Format(time.RFC3339), info)
}
