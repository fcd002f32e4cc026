package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestEveryAnswerIsHardened: the dialect's answers on TCP and on the unix
// socket, the server's own routes, unknown routes, an oversized body and
// a recovered panic all carry the headers.
func TestEveryAnswerIsHardened(t *testing.T) {
	h := start(t, nil)
	unix := unixClient(h.socket)
	for _, c := range []struct {
		name   string
		client *http.Client
		method string
		url    string
		body   string
		status int
	}{
		{"healthz", http.DefaultClient, http.MethodGet, h.base + "/healthz", "", http.StatusOK},
		{"metrics", http.DefaultClient, http.MethodGet, h.base + "/metrics", "", http.StatusOK},
		{"unknown route", http.DefaultClient, http.MethodGet, h.base + "/nowhere", "", http.StatusNotFound},
		{"dialect on tcp", http.DefaultClient, http.MethodPost, h.base + "/p/echo", "hi", http.StatusOK},
		{"dialect on the socket", unix, http.MethodPost, "http://sock/p/echo", "hi", http.StatusOK},
		{"unknown route on the socket", unix, http.MethodGet, "http://sock/nowhere", "", http.StatusNotFound},
		{"too large", http.DefaultClient, http.MethodPost, h.base + "/p/echo", strings.Repeat("x", 100), http.StatusRequestEntityTooLarge},
		{"panic", http.DefaultClient, http.MethodGet, h.base + "/p/panic", "", http.StatusInternalServerError},
	} {
		req, err := http.NewRequestWithContext(t.Context(), c.method, c.url, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s: HTTP %d, want %d", c.name, resp.StatusCode, c.status)
		}
		for k, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "frame-ancestors 'none'",
			"X-Frame-Options":         "DENY",
		} {
			if got := resp.Header.Values(k); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got, want)
			}
		}
	}
}
