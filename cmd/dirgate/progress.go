package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/dirgate/dirgate/pkg/directory"
)

// progressAfter is how long an import or export runs before it shows a
// progress bar: a quick one stays one line. (A variable for tests.)
var progressAfter = time.Second

// withProgress returns a context under which an import or export draws a
// progress bar on w once it has run for progressAfter — only when w is a
// terminal, so scripts and logs stay quiet — and the function that ends
// the bar.
func withProgress(ctx context.Context, w io.Writer, what string) (context.Context, func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return ctx, func() {}
	}
	start := time.Now()
	var (
		bar      *progressbar.ProgressBar
		finished bool
	)
	finish := func() {
		if bar != nil && !finished {
			finished = true
			_ = bar.Finish()
			fmt.Fprintln(w)
		}
	}
	report := func(done, total int) {
		if finished {
			return
		}
		if bar == nil {
			if time.Since(start) < progressAfter {
				return
			}
			max := int64(total)
			if total == 0 {
				max = -1 // a spinner with the count: the backend cannot tell the total
			}
			bar = progressbar.NewOptions64(max,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what),
				progressbar.OptionSetItsString("entries"),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
			)
		}
		_ = bar.Set(done) // drawing on a terminal; nothing to do if it fails
		if total > 0 && done >= total {
			finish() // before the backend's last log line, which would share the bar's line
		}
	}
	return directory.WithProgress(ctx, report), finish
}

// thousands writes n with comma separators: 30,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
