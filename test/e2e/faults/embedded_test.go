package faults

import (
	"context"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestEmbeddedKilledUnderWriteLoad kills dirgate (SIGKILL) on the
// embedded backend of the quick start while eight clients create users
// through the Kanboard dialect, starts it again on the same data
// directory, and reads every user back through the dialect: each one
// dirgate acknowledged must be there with the id it answered, and no id
// may belong to two users.
func TestEmbeddedKilledUnderWriteLoad(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	tok := p.Credentials()["kanboard"].(map[string]any)["token"].(string)

	const workers = 8
	load := startLoad(t.Context(), "crash", workers, func(int) *kanboard { return newKanboard(p.URL, tok, true) })
	// Every create hashes its password (argon2id): on a busy machine the
	// first answers take a while. Kill once enough writes were
	// acknowledged that losing one would show.
	started := time.Now()
	for load.ackedSince(started) < 100 && time.Since(started) < 20*time.Second {
		wait(t.Context(), 20*time.Millisecond)
	}
	p.Signal(syscall.SIGKILL)
	killed := time.Now()
	if code := p.Wait(5 * time.Second); code != 128+int(syscall.SIGKILL) {
		t.Errorf("exit code %d after SIGKILL", code)
	}
	results := load.stop()
	s := summarize(results)
	t.Logf("load: %d clients, dirgate killed after %v: %s", workers, killed.Sub(started).Round(time.Millisecond), s)

	restart := time.Now()
	p2 := e2eutil.Start(t, e2eutil.Options{DataDir: p.DataDir})
	t.Logf("restarted on the same data in %v (killed %v before)", p2.Healthy.Sub(restart).Round(time.Millisecond),
		restart.Sub(killed).Round(time.Millisecond))
	// The Artica socket the killed process left behind was replaced.
	sock := p.Credentials()["artica"].(map[string]any)["socket"].(string)
	if resp, err := e2eutil.UnixClient(sock).Get("http://localhost/ping"); err != nil {
		t.Errorf("Artica's socket after the restart: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("Artica's /ping after the restart: HTTP %d", resp.StatusCode)
		}
	}
	k := newKanboard(p2.URL, tok, true)
	ids := map[int64]string{}
	var lost, unacked int
	for _, r := range results {
		ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
		id, err := k.userID(ctx, r.name)
		cancel()
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		switch {
		case r.outcome == acked && id != r.id:
			t.Errorf("acknowledged user %s (id %d): read back id %d (0: missing)", r.name, r.id, id)
			lost++
		case r.outcome != acked && id != 0:
			unacked++ // written, the answer lost with the process
		}
		if id != 0 {
			if other, dup := ids[id]; dup {
				t.Errorf("id %d belongs to %s and %s", id, other, r.name)
			}
			ids[id] = r.name
		}
	}
	t.Logf("read back: %d acknowledged writes, %d lost; %d written but not acknowledged", s.by[acked], lost, unacked)
	if s.by[acked] == 0 {
		t.Errorf("nothing was acknowledged before the kill")
	}
}
