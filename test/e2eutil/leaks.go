package e2eutil

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
)

// Leaks is the secret-leak check of an end-to-end suite: it collects the
// passwords the suite uses and every response body it sees, and at the
// end asserts that none of the passwords appears in a body, in dirgate's
// stdout and stderr, or in its audit log. Any suite can use it:
//
//	leaks := &e2eutil.Leaks{}
//	client := &http.Client{Transport: leaks.Transport(nil)}
//	leaks.Secret(password)
//	...
//	leaks.Check(t, leaks.Process(p), e2eutil.FileSource(auditPath))
type Leaks struct {
	mu      sync.Mutex
	secrets []string
	seen    map[string]bool
	bodies  []recorded
}

type recorded struct {
	what string
	body []byte
}

// minSecret is the shortest secret worth looking for: shorter strings turn
// up in ids and timestamps by chance.
const minSecret = 8

// Secret records passwords (or API secrets, tokens) the suite sends.
func (l *Leaks) Secret(secrets ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	for _, s := range secrets {
		if len(s) >= minSecret && !l.seen[s] {
			l.seen[s] = true
			l.secrets = append(l.secrets, s)
		}
	}
}

// Body records a response body the suite received some other way than
// through Transport.
func (l *Leaks) Body(what string, body []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bodies = append(l.bodies, recorded{what, bytes.Clone(body)})
}

// Transport wraps rt (nil: http.DefaultTransport) so that every response
// body read through it is recorded.
func (l *Leaks) Transport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &recordingTransport{rt: rt, l: l}
}

type recordingTransport struct {
	rt http.RoundTripper
	l  *Leaks
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	t.l.Body(r.Method+" "+r.URL.Path, body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// Source is one text to search: a log, a file.
type Source struct {
	Name string
	Text func() string
}

// Process is the output of a dirgate process as sources.
func (l *Leaks) Process(p *Process) []Source {
	return []Source{{"stdout of " + p.String(), p.Stdout}, {"stderr of " + p.String(), p.Stderr}}
}

// FileSource reads a file (an audit log) when checked; a missing file is
// empty.
func FileSource(path string) Source {
	return Source{Name: path, Text: func() string {
		b, _ := os.ReadFile(path)
		return string(b)
	}}
}

// Check fails the test for every secret found in a recorded body or in
// one of the sources. It reports where, never the secret itself in full.
func (l *Leaks) Check(tb testing.TB, sources ...[]Source) {
	tb.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var all []Source
	for _, s := range sources {
		all = append(all, s...)
	}
	texts := make([]string, len(all))
	for i, s := range all {
		texts[i] = s.Text()
	}
	for _, secret := range l.secrets {
		for i, text := range texts {
			if strings.Contains(text, secret) {
				tb.Errorf("a password (%s…) appears in %s", secret[:4], all[i].Name)
			}
		}
		for _, b := range l.bodies {
			if bytes.Contains(b.body, []byte(secret)) {
				tb.Errorf("a password (%s…) appears in the answer to %s: %s", secret[:4], b.what, clipBody(b.body))
			}
		}
	}
	tb.Logf("leak check: %d passwords against %d answers and %d logs", len(l.secrets), len(l.bodies), len(all))
}

func clipBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
