package privacyideatest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func (s *suite) testEnvelope(t *testing.T) {
	r := s.list(t, s.admin, q("realm", Realm))
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d %s", r.status, r.raw)
	}
	if got, want := slices.Sorted(maps.Keys(r.body)), []string{"id", "jsonrpc", "result", "time", "version", "versionnumber"}; !slices.Equal(got, want) {
		t.Errorf("success keys = %v, want %v", got, want)
	}
	res, _ := r.body["result"].(map[string]any)
	if r.body["id"] != 1.0 || r.body["jsonrpc"] != "2.0" || res["status"] != true {
		t.Errorf("success envelope: %s", r.raw)
	}
	if r.body["version"] != "privacyIDEA 3.9" || r.body["versionnumber"] != "3.9" {
		t.Errorf("version = %v / %v", r.body["version"], r.body["versionnumber"])
	}
	if tm, _ := r.body["time"].(float64); time.Since(time.Unix(int64(tm), 0)).Abs() > time.Minute {
		t.Errorf("time = %v, want about now as epoch seconds", r.body["time"])
	}
	if r.header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("headers: %v", r.header)
	}

	e := s.list(t, "", "")
	if got, want := slices.Sorted(maps.Keys(e.body)), []string{"detail", "id", "jsonrpc", "result", "time", "version"}; !slices.Equal(got, want) {
		t.Errorf("error keys = %v, want %v", got, want)
	}
	eres, _ := e.body["result"].(map[string]any)
	if e.body["detail"] != nil || eres["status"] != false || e.body["id"] != 1.0 || e.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("error envelope: %v %s", e.header, e.raw)
	}
}

func (s *suite) testAuth(t *testing.T) {
	c := s.c
	r := c.do(t, request{method: "POST", path: "/auth", json: map[string]any{"username": Admin.Username, "password": Admin.Password}})
	v, _ := r.value().(map[string]any)
	if r.status != http.StatusOK || v["role"] != "admin" || v["username"] != Admin.Username || v["realm"] != Realm ||
		v["auth"] != true || strings.Count(v["token"].(string), ".") != 2 {
		t.Errorf("admin login: %s", r.raw)
	}
	// A token in the answer: no cache may keep it (the original says
	// no-cache, which lets a cache store it).
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("/auth Cache-Control = %q, want no-store", cc)
	}
	if rights, _ := v["rights"].([]any); len(rights) != 4 {
		t.Errorf("admin rights = %v, want the four user actions", v["rights"])
	}

	name := "auth-" + suffix()
	s.create(t, Resolver, name, "Auth-Pw-1", nil)
	wantError(t, "wrong password", c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"username": {name}, "password": {"Wrong-Pw-1"}}}),
		http.StatusUnauthorized, 4031, "Authentication failure. Wrong credentials")
	wantError(t, "unknown user", c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"username": {"nobody-" + suffix()}, "password": {"x"}}}), http.StatusUnauthorized, 4031, "")
	wantError(t, "unknown realm", c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"username": {name}, "password": {"Auth-Pw-1"}, "realm": {"nope"}}}), http.StatusUnauthorized, 4031,
		"Authentication failure. Unknown realm: nope.")
	wantError(t, "user in another realm", c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"username": {name + "@" + SalesRealm}, "password": {"Auth-Pw-1"}}}), http.StatusUnauthorized, 4031, "")
	wantError(t, "empty password", c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"username": {name}, "password": {""}}}), http.StatusUnauthorized, 4031, "")
	wantError(t, "missing username", c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"password": {"x"}}}), http.StatusUnauthorized, 4032, "Authentication failure. Missing Username")

	// user@realm and the realm parameter.
	for _, form := range []url.Values{
		{"username": {Partner.Username + "@" + ReadOnly}, "password": {Partner.Password}},
		{"username": {Partner.Username}, "realm": {ReadOnly}, "password": {Partner.Password}},
	} {
		r := c.do(t, request{method: "POST", path: "/auth", form: form})
		v, _ := r.value().(map[string]any)
		if r.status != http.StatusOK || v["role"] != "user" || v["username"] != Partner.Username || v["realm"] != ReadOnly {
			t.Errorf("login %v: %s", form, r.raw)
		}
	}

	wantError(t, "no token", s.list(t, "", ""), http.StatusUnauthorized, 4033,
		"Authentication failure. Missing Authorization header.")
	wantError(t, "garbage token", s.list(t, "garbage", ""), http.StatusUnauthorized, 4304, "")
	wantError(t, "token of another secret", s.list(t, s.forge(t, "another-secret-0123456789", time.Hour), ""),
		http.StatusUnauthorized, 4304, "")
	wantError(t, "expired token", s.list(t, s.forge(t, Secret, -time.Minute), ""), http.StatusUnauthorized, 4305,
		"Authentication failure. Your token has expired: Signature has expired")
	if r := s.list(t, s.forge(t, Secret, time.Minute), q("realm", Realm)); r.status != http.StatusOK {
		t.Errorf("a token signed with the configured secret (as another replica would): HTTP %d %s", r.status, r.raw)
	}

	// Authorization works too, raw or with Bearer; PI-Authorization wins.
	for _, h := range []map[string]string{
		{"Authorization": s.admin},
		{"Authorization": "Bearer " + s.admin},
		{"PI-Authorization": s.admin, "Authorization": "garbage"},
	} {
		if r := c.do(t, request{method: "GET", path: "/user/" + q("realm", Realm), header: h}); r.status != http.StatusOK {
			t.Errorf("headers %v: HTTP %d %s", h, r.status, r.raw)
		}
	}
}

// forge signs, with secret and valid for ttl (past when negative), the
// claims of the admin token s.admin: what another replica with that
// secret would have issued.
func (s *suite) forge(t *testing.T, secret string, ttl time.Duration) string {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(s.admin, claims); err != nil {
		t.Fatalf("the admin token does not parse: %v", err)
	}
	claims["exp"] = time.Now().Add(ttl).Unix()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
