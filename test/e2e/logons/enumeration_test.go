package logons_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// logonCase is one way a logon can fail.
type logonCase struct {
	name               string
	username, password string
}

// endpoint is one place a dialect takes a user's password.
type endpoint struct {
	name string
	req  func(t testing.TB, s *stack, username, password string) *http.Request
}

var endpoints = []endpoint{
	{"OpenAPI POST /api/login", func(t testing.TB, s *stack, username, password string) *http.Request {
		return s.loginRequest(t, username, password)
	}},
	{"OpenAPI POST /api/password/change", func(t testing.TB, s *stack, username, password string) *http.Request {
		return s.request(t, http.MethodPost, "/api/password/change", "application/json", jsonBody(t, map[string]string{
			"username": username, "currentPassword": password, "newPassword": "Brand-New-Pw-4821",
		}))
	}},
	{"privacyIDEA POST /auth", func(t testing.TB, s *stack, username, password string) *http.Request {
		return s.privacyIDEAAuth(t, username, password)
	}},
	{"Kanboard HTTP Basic", func(t testing.TB, s *stack, username, password string) *http.Request {
		return s.kanboardCall(t, username, password, map[string]any{
			"jsonrpc": "2.0", "method": "getUserByName", "id": 1, "params": map[string]any{"username": "admin"},
		})
	}},
}

// TestLogonFailuresLookAlike: on every dialect that takes a user's
// password, a logon of an unknown user, of a disabled or a locked account
// (with a wrong password, and even with the right one), and a wrong
// password of an active account get the same status and body, and take
// the same time: the medians of each kind are within 30 % of the wrong
// password's. Requests go round-robin in a shuffled order, so a loaded
// machine slows every kind alike; the active account's failures are
// cleared between rounds, outside the timing, before they lock it. On the quick start's embedded store (argon2id) and on slapd.
func TestLogonFailuresLookAlike(t *testing.T) {
	t.Run("embedded", func(t *testing.T) { checkLookAlike(t, quickStart(t), 75) })
	t.Run("slapd", func(t *testing.T) { checkLookAlike(t, onSlapd(t), 151) })
}

func checkLookAlike(t *testing.T, s *stack, rounds int) {
	const wrong = "Not-The-Password-1"
	pw := func(name string) string { return "Pw-" + name + "-3f9a1c" }
	active := s.createUser(t, "logon-active", pw("active"))
	disabled := s.createUser(t, "logon-disabled", pw("disabled"))
	s.disable(t, disabled)
	locked := s.createUser(t, "logon-locked", pw("locked"))
	for range s.lockout {
		s.must(t, s.loginRequest(t, "logon-locked", wrong), http.StatusUnauthorized)
	}
	if !s.locked(t, locked) {
		t.Fatalf("logon-locked is not locked after %d wrong passwords", s.lockout)
	}
	cases := []logonCase{
		{"wrong password", "logon-active", wrong},
		{"unknown user", "logon-nobody", wrong},
		{"disabled, wrong password", "logon-disabled", wrong},
		{"disabled, right password", "logon-disabled", pw("disabled")},
		{"locked, wrong password", "logon-locked", wrong},
		{"locked, right password", "logon-locked", pw("locked")},
	}

	for _, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			// A loaded machine (other tests, other builds) can skew one
			// sample's medians by a third; a real difference — the
			// finding was 1.2 ms against 22 ms — persists. So a sample
			// with a kind outside 30 % is taken again, up to attempts
			// times, and the test fails only if every sample has one.
			// The answers must be the same in every sample.
			const attempts = 3
			for attempt := 1; ; attempt++ {
				outside := lookAlikeSample(t, s, ep, cases, active, rounds)
				if len(outside) == 0 {
					return
				}
				if attempt == attempts {
					for _, o := range outside {
						t.Error(o)
					}
					return
				}
				t.Logf("sample %d of %d: %s; measuring again", attempt, attempts, strings.Join(outside, "; "))
			}
		})
	}
	if s.locked(t, active) {
		t.Error("the active account ended locked: its wrong passwords were not all cleared")
	}
}

// lookAlikeSample times rounds of every case on ep, round-robin in a
// shuffled order, checks that every case gets the wrong password's answer
// every time, and returns the kinds whose median is not within 30 % of a
// wrong password's.
func lookAlikeSample(t *testing.T, s *stack, ep endpoint, cases []logonCase, active string, rounds int) (outside []string) {
	t.Helper()
	answers := map[string]string{}
	took := map[string][]time.Duration{}
	for round := -1; round < rounds; round++ { // round -1 warms up, untimed
		order := slices.Clone(cases)
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, c := range order {
			r, err := s.do(ep.req(t, s, c.username, c.password))
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if round < 0 {
				answers[c.name] = answer(r)
				continue
			}
			took[c.name] = append(took[c.name], r.elapsed)
			if got := answer(r); got != answers[c.name] {
				t.Errorf("%s: answered %s once and %s another time", c.name, answers[c.name], got)
			}
		}
		// One wrong password a round: clear them before they lock
		// the account, between rounds (the write slows whatever
		// comes next a little, and that is any kind).
		if (round+2)%(s.lockout-1) == 0 {
			s.unlock(t, active)
		}
	}
	s.unlock(t, active)
	want := answers["wrong password"]
	if !strings.HasPrefix(want, "HTTP 401") {
		t.Errorf("a wrong password is answered %s, want 401", want)
	}
	ref := median(took["wrong password"])
	var report strings.Builder
	for _, c := range cases {
		if got := answers[c.name]; got != want {
			t.Errorf("%s is answered\n\t%s\nbut a wrong password\n\t%s", c.name, got, want)
		}
		m := median(took[c.name])
		fmt.Fprintf(&report, "\n\t%-26s median %8v  (%+.0f %%)", c.name, m.Round(10*time.Microsecond), 100*(float64(m)/float64(ref)-1))
		if ratio := float64(m) / float64(ref); ratio < 1/1.3 || ratio > 1.3 {
			outside = append(outside, fmt.Sprintf("%s: median %v, a wrong password's %v: not within 30 %%", c.name, m, ref))
		}
	}
	t.Logf("%d rounds, answer %s; times:%s", rounds, want, report.String())
	return outside
}

// answer is what a client sees of a reply: status, WWW-Authenticate and
// the body, with privacyIDEA's "time" member (the clock) left out.
func answer(r reply) string {
	body := r.body
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		delete(m, "time")
		body, _ = json.Marshal(m)
	}
	return fmt.Sprintf("HTTP %d %q %s", r.status, r.header.Get("WWW-Authenticate"), bytes.TrimSpace(body))
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
