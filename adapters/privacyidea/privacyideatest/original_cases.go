package privacyideatest

import (
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// testAsTheOriginal pins answers of privacyIDEA's own handlers and tests
// (api/auth.py, lib/user.py, tests/test_api_auth.py) that a client could
// tell apart.
func (s *suite) testAsTheOriginal(t *testing.T) {
	c := s.c
	auth := func(form url.Values) response {
		return c.do(t, request{method: "POST", path: "/auth", form: form})
	}

	t.Run("auth success is sent with rid 2, authentication ACCEPT and log_level", func(t *testing.T) {
		r := auth(url.Values{"username": {Admin.Username}, "password": {Admin.Password}})
		res, _ := r.body["result"].(map[string]any)
		if r.status != http.StatusOK || r.body["id"] != 2.0 || res["authentication"] != "ACCEPT" || res["status"] != true {
			t.Errorf("got HTTP %d %s", r.status, r.raw)
		}
		v, _ := r.value().(map[string]any)
		want := []string{"auth", "log_level", "menus", "realm", "rights", "role", "token", "username"}
		if got := slices.Sorted(maps.Keys(v)); !slices.Equal(got, want) {
			t.Errorf("value keys = %v, want %v", got, want)
		}
		if lvl, _ := v["log_level"].(float64); lvl != 10 && lvl != 20 && lvl != 30 && lvl != 40 {
			t.Errorf("log_level = %v, want a Python logging level", v["log_level"])
		}
		// Answers other than /auth's keep id 1 and no authentication.
		l := s.list(t, s.admin, q("realm", Realm))
		lres, _ := l.body["result"].(map[string]any)
		if _, has := lres["authentication"]; l.body["id"] != 1.0 || has {
			t.Errorf("listing envelope: %s", l.raw)
		}
	})

	t.Run(`split_user splits realm\user at the backslash`, func(t *testing.T) {
		for realm, acct := range map[string]Account{Realm: Admin, ReadOnly: Partner} {
			r := auth(url.Values{"username": {realm + `\` + acct.Username}, "password": {acct.Password}})
			v, _ := r.value().(map[string]any)
			if r.status != http.StatusOK || v["username"] != acct.Username || v["realm"] != realm {
				t.Errorf(`%s\%s: HTTP %d %s`, realm, acct.Username, r.status, r.raw)
			}
		}
		wantError(t, `unknown realm before the backslash`, auth(url.Values{"username": {`nosuchrealm\` + Admin.Username},
			"password": {Admin.Password}}), http.StatusUnauthorized, 4031, "Authentication failure. Wrong credentials")
	})

	t.Run("the realm parameter wins over the realm of user@realm", func(t *testing.T) {
		r := auth(url.Values{"username": {Partner.Username + "@" + Realm}, "realm": {ReadOnly}, "password": {Partner.Password}})
		v, _ := r.value().(map[string]any)
		if r.status != http.StatusOK || v["username"] != Partner.Username || v["realm"] != ReadOnly {
			t.Errorf("HTTP %d %s", r.status, r.raw)
		}
	})

	t.Run("auth names an unknown realm parameter", func(t *testing.T) {
		wantError(t, "unknown realm", auth(url.Values{"username": {Admin.Username}, "realm": {"nosuchrealm"},
			"password": {Admin.Password}}), http.StatusUnauthorized, 4031, "Authentication failure. Unknown realm: nosuchrealm.")
		wantError(t, "unknown realm and user@realm", auth(url.Values{"username": {Admin.Username + "@" + Realm},
			"realm": {"anotherunknown"}, "password": {Admin.Password}}),
			http.StatusUnauthorized, 4031, "Authentication failure. Unknown realm: anotherunknown.")
		wantError(t, "unknown realm comes before a missing username", auth(url.Values{"realm": {"nosuchrealm"}}),
			http.StatusUnauthorized, 4031, "Authentication failure. Unknown realm: nosuchrealm.")
	})

	t.Run("only a missing username is Missing Username; an empty one is wrong credentials", func(t *testing.T) {
		wantError(t, "missing", auth(url.Values{"password": {"x"}}), http.StatusUnauthorized, 4032,
			"Authentication failure. Missing Username")
		wantError(t, "empty", auth(url.Values{"username": {""}, "password": {"x"}}), http.StatusUnauthorized, 4031,
			"Authentication failure. Wrong credentials")
		// tests/test_api_auth.py: a username without a password.
		wantError(t, "no password", auth(url.Values{"username": {Admin.Username}}), http.StatusUnauthorized, 4031,
			"Authentication failure. Wrong credentials")
	})

	t.Run("a failed login does not tell unknown users from wrong passwords", func(t *testing.T) {
		unknown := auth(url.Values{"username": {"nobody-" + suffix()}, "password": {"Wrong-Pw-1"}})
		wrong := auth(url.Values{"username": {Admin.Username}, "password": {"Wrong-Pw-1"}})
		if unknown.status != wrong.status || !sameButTime(unknown.body, wrong.body) {
			t.Errorf("unknown user: HTTP %d %s\nwrong password: HTTP %d %s", unknown.status, unknown.raw, wrong.status, wrong.raw)
		}
	})

	t.Run("a method the route does not serve is Flask's 405", func(t *testing.T) {
		for _, tc := range []struct{ method, path, allow string }{
			{"GET", "/auth", "OPTIONS, POST"},
			{"PATCH", "/user", "GET, OPTIONS, POST, PUT"},
			{"DELETE", "/user/", "GET, OPTIONS, POST, PUT"},
			{"GET", "/user/" + Resolver + "/" + Admin.Username, "DELETE, OPTIONS"},
		} {
			r := c.do(t, request{method: tc.method, path: tc.path, token: s.admin})
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != tc.allow ||
				!strings.Contains(r.raw, "<title>405 Method Not Allowed</title>") {
				t.Errorf("%s %s: HTTP %d Allow %q %s", tc.method, tc.path, r.status, r.header.Get("Allow"), r.raw)
			}
		}
		if r := c.do(t, request{method: "OPTIONS", path: "/auth"}); r.status != http.StatusOK || r.header.Get("Allow") != "OPTIONS, POST" {
			t.Errorf("OPTIONS /auth: HTTP %d Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}

// sameButTime compares two envelopes but for their time stamp.
func sameButTime(a, b map[string]any) bool {
	a, b = maps.Clone(a), maps.Clone(b)
	delete(a, "time")
	delete(b, "time")
	return a != nil && reflect.DeepEqual(a, b)
}
