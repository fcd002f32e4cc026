package privacyideatest

import (
	"net/http"
	"strings"
	"testing"
)

// testBadInput: every malformed request is an error in the envelope and
// changes nothing.
func (s *suite) testBadInput(t *testing.T) {
	name := "bad-" + suffix()
	post := func(body, ctype string) response {
		return s.c.do(t, request{method: "POST", path: "/user", token: s.admin, raw: body, ctype: ctype})
	}
	for _, tc := range []struct {
		what        string
		body, ctype string
		status      int
		code        int
	}{
		{"malformed JSON", `{"user":"` + name + `","resolver":`, "application/json", http.StatusBadRequest, 905},
		{"JSON array", `["` + name + `"]`, "application/json", http.StatusBadRequest, 905},
		{"user as a boolean", `{"user":true,"resolver":"people"}`, "application/json", http.StatusBadRequest, 905},
		{"user as a list", `{"user":["` + name + `"],"resolver":"people"}`, "application/json", http.StatusBadRequest, 905},
		{"mobile as an object", `{"user":"` + name + `","resolver":"people","mobile":{"a":1}}`, "application/json", http.StatusBadRequest, 905},
		{"password as a number list", `{"user":"` + name + `","resolver":"people","password":[1]}`, "application/json", http.StatusBadRequest, 905},
		{"unsupported content type", "user=" + name + "&resolver=people", "text/plain", http.StatusBadRequest, 905},
		// encoding/json would store U+FFFD for these.
		{"a lone surrogate", `{"user":"` + name + `\ud800","resolver":"people"}`, "application/json", http.StatusBadRequest, 905},
		{"a lone low surrogate", `{"user":"` + name + `","resolver":"people","surname":"x\udc00"}`, "application/json", http.StatusBadRequest, 905},
		{"NUL in the username", `{"user":"` + name + `\u0000x","resolver":"people"}`, "application/json", http.StatusBadRequest, 10},
		{"control character", `{"user":"` + name + `\nx","resolver":"people"}`, "application/json", http.StatusBadRequest, 10},
		{"too long", `{"user":"` + strings.Repeat("x", 300) + `","resolver":"people"}`, "application/json", http.StatusBadRequest, 10},
		{"too large", `{"user":"` + name + `","resolver":"people","description":"` + strings.Repeat("x", 2<<20) + `"}`,
			"application/json", http.StatusRequestEntityTooLarge, 905},
	} {
		r := post(tc.body, tc.ctype)
		wantError(t, tc.what, r, tc.status, tc.code, "")
		if r.header.Get("Cache-Control") != "no-cache" || r.body["jsonrpc"] != "2.0" {
			t.Errorf("%s: not the privacyIDEA envelope: %s", tc.what, r.raw)
		}
	}
	s.wantAbsent(t, name)
	s.wantAbsent(t, name+"\x00x")
	s.wantAbsent(t, name+"\uFFFD")

	wantError(t, "PUT malformed JSON", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		raw: `{"user":`, ctype: "application/json"}), http.StatusBadRequest, 905, "")
	wantError(t, "GET with a list for a search key", s.c.do(t, request{method: "GET", path: "/user/", token: s.admin,
		raw: `{"username":["a"]}`, ctype: "application/json"}), http.StatusBadRequest, 905, "")
}
