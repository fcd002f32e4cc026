package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestLandingListsTheListenersDialects: GET / names each dialect with its
// paths and documentation, as JSON for API clients and a small page for
// a browser; the socket lists what the socket serves.
func TestLandingListsTheListenersDialects(t *testing.T) {
	h := start(t, nil)
	for name, c := range map[string]*http.Client{"tcp": http.DefaultClient, "unix": unixClient(h.socket)} {
		resp, err := c.Get(h.base + "/")
		if err != nil {
			t.Fatal(err)
		}
		var l landing
		err = json.NewDecoder(resp.Body).Decode(&l)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || len(l.Dialects) != 1 ||
			l.Dialects[0].Dialect != "probe" || strings.Join(l.Dialects[0].Paths, ",") != "/p" ||
			!strings.HasSuffix(l.Dialects[0].Docs, "/docs/dialects/probe.md") || l.Docs != DocsURL {
			t.Errorf("%s: GET / = %d %+v (%v)", name, resp.StatusCode, l, err)
		}
		if (l.Health == "/healthz") != (name == "tcp") {
			t.Errorf("%s: health %q: health is on the main listener only", name, l.Health)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, h.base+"/", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(page), "<code>/p</code>") || len(page) > 2048 {
		t.Errorf("a browser got %s:\n%s", resp.Header.Get("Content-Type"), page)
	}
}

// TestUnknownPathIsANeutralJSONError: a path no route takes gets a JSON
// 404 pointing to / and the docs — not echo's {"message":"Not Found"} —
// while a path under a dialect's prefix stays the dialect's.
func TestUnknownPathIsANeutralJSONError(t *testing.T) {
	h := start(t, nil)
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		req, _ := http.NewRequest(method, h.base+"/no/such/thing", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusNotFound || body["error"] != "not found" ||
			body["docs"] != DocsURL || !strings.Contains(body["message"], "GET /") {
			t.Errorf("%s /no/such/thing = %d %v (%v)", method, resp.StatusCode, body, err)
		}
	}
	resp, err := http.Post(h.base+"/p/rpc/anything", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the dialect's own catch-all answered %d", resp.StatusCode)
	}
}
