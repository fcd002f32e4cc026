package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"
)

// httpClient is one load client's HTTP connection to dirgate: a transport
// of its own, so each client holds one keep-alive connection, as each raw
// LDAP client holds one LDAP connection.
type httpClient struct {
	c      *http.Client
	base   string
	header http.Header
}

func newHTTPClient(base string, header http.Header) *httpClient {
	return &httpClient{
		c: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConnsPerHost: 1, DisableCompression: true, ForceAttemptHTTP2: false,
		}},
		base: base, header: header,
	}
}

// newUnixClient talks HTTP over a unix socket (Artica's), whatever the
// URL's host.
func newUnixClient(socket string) *httpClient {
	return &httpClient{
		c: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConnsPerHost: 1, DisableCompression: true,
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", socket)
			},
		}},
		base: "http://localhost",
	}
}

func (h *httpClient) close() { h.c.CloseIdleConnections() }

// call sends one request and checks the status and that the body holds
// every want. It returns the body.
func (h *httpClient) call(ctx context.Context, method, path, contentType string, body []byte, status int, want ...string) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range h.header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != status {
		return b, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, status, clip(b))
	}
	for _, w := range want {
		if !bytes.Contains(b, []byte(w)) {
			return b, fmt.Errorf("%s %s: answer lacks %s: %s", method, path, w, clip(b))
		}
	}
	return b, nil
}

// postJSON marshals v and posts it.
func (h *httpClient) postJSON(ctx context.Context, path string, v any, status int, want ...string) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return h.call(ctx, http.MethodPost, path, "application/json", body, status, want...)
}

func clip(b []byte) string {
	const n = 300
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// withHeader returns a copy of h that sends the extra header.
func header(kv ...string) http.Header {
	h := http.Header{}
	for pair := range slices.Chunk(kv, 2) {
		h.Set(pair[0], pair[1])
	}
	return h
}
