package directory

import (
	"context"
	"testing"
	"time"
)

// TestLogonPaceWaitsTheMedian: a refused logon waits from the common
// point until the median of the last wrong passwords' times — one slow
// outlier does not move it — and no wait at all before any wrong
// password, or once the caller has gone.
func TestLogonPaceWaitsTheMedian(t *testing.T) {
	var p LogonPace
	start := time.Now()
	p.WaitOut(t.Context(), start.Add(-time.Hour)) // nothing learned: no wait
	if took := time.Since(start); took > time.Second {
		t.Fatalf("a pace with nothing learned waited %v", took)
	}
	now := time.Now()
	for _, d := range []time.Duration{20 * time.Millisecond, 30 * time.Millisecond, 10 * time.Second} {
		p.WrongPassword(now.Add(-d))
	}
	if m := p.typical(); m < 30*time.Millisecond || m > 40*time.Millisecond {
		t.Fatalf("median of 20 ms, 30 ms and 10 s: %v, want about 30 ms", m)
	}
	since := time.Now()
	p.WaitOut(t.Context(), since)
	if took := time.Since(since); took < 30*time.Millisecond {
		t.Errorf("a refused logon was let go after %v, before the median wrong password's 30 ms", took)
	}
	// A logon that already took longer than a wrong password does not wait.
	late := time.Now()
	p.WaitOut(t.Context(), late.Add(-time.Hour))
	if took := time.Since(late); took > time.Second {
		t.Errorf("a logon past the median waited %v more", took)
	}
	// The caller going away ends the wait.
	for range 15 {
		p.WrongPassword(time.Now().Add(-time.Hour))
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	gone := time.Now()
	p.WaitOut(ctx, gone)
	if took := time.Since(gone); took > 30*time.Second {
		t.Errorf("a wait of an hour went on %v after its caller left", took)
	}
}
