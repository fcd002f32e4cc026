package main

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"time"
)

// startup times `dirgate serve` from exec to /readyz answering 200 on the
// embedded backend (the quick start), and its idle memory: the first start
// (which provisions the store and the credentials) once, then restarts.
func startup(ctx context.Context, o *options, rep *report) error {
	dataDir, err := os.MkdirTemp(o.workDir, "embedded-")
	if err != nil {
		return err
	}
	first, err := startDirgate(ctx, o.bin, dataDir, "", nil, 30*time.Second)
	if err != nil {
		return err
	}
	rep.firstStart = first.ready.Sub(first.started)
	first.stop()
	for i := range o.startRuns {
		p, err := startDirgate(ctx, o.bin, dataDir, "", nil, 30*time.Second)
		if err != nil {
			return err
		}
		rep.starts = append(rep.starts, p.ready.Sub(p.started))
		if i == 0 {
			time.Sleep(2 * time.Second)
			if rep.idleRSSEmbedded, err = rss(p.pid()); err != nil {
				p.stop()
				return err
			}
		}
		p.stop()
	}
	slices.Sort(rep.starts)
	slog.Info("start to ready (embedded)", "first start", rep.firstStart.Round(time.Microsecond),
		"restarts", rep.starts, "idle RSS MiB", mib(rep.idleRSSEmbedded))
	return nil
}
