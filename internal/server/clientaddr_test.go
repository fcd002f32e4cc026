package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestIPExtractor(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/28"), netip.MustParsePrefix("2001:db8::/64")}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		header  string
		peer    string
		set     map[string][]string
		want    string
	}{
		{"no trusted proxies: headers ignored", nil, HeaderXForwardedFor, "203.0.113.9:1",
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}, "X-Real-Ip": {"198.51.100.1"}, "Forwarded": {"for=198.51.100.1"}}, "203.0.113.9"},
		{"untrusted peer: XFF ignored", proxies, HeaderXForwardedFor, "203.0.113.9:1",
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "203.0.113.9"},
		{"private peer is not trusted unless configured", proxies, HeaderXForwardedFor, "10.0.0.5:1",
			map[string][]string{"X-Forwarded-For": {"198.51.100.1"}}, "10.0.0.5"},
		{"trusted peer: XFF's nearest untrusted hop", proxies, HeaderXForwardedFor, "192.0.2.1:1",
			map[string][]string{"X-Forwarded-For": {"6.6.6.6, 198.51.100.1, 192.0.2.2"}}, "198.51.100.1"},
		{"trusted peer without the header", proxies, HeaderXForwardedFor, "192.0.2.1:1", nil, "192.0.2.1"},
		{"trusted peer: another header than the configured one is ignored", proxies, HeaderXForwardedFor, "192.0.2.1:1",
			map[string][]string{"X-Real-Ip": {"198.51.100.1"}, "Forwarded": {"for=198.51.100.1"}}, "192.0.2.1"},
		{"X-Real-IP from a trusted peer", proxies, HeaderXRealIP, "192.0.2.1:1",
			map[string][]string{"X-Real-Ip": {"198.51.100.1"}, "X-Forwarded-For": {"6.6.6.6"}}, "198.51.100.1"},
		{"X-Real-IP from an untrusted peer", proxies, HeaderXRealIP, "203.0.113.9:1",
			map[string][]string{"X-Real-Ip": {"198.51.100.1"}}, "203.0.113.9"},
		{"Forwarded with ports and IPv6", proxies, HeaderForwarded, "[2001:db8::7]:1",
			map[string][]string{"Forwarded": {`for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https`, `for="192.0.2.3:80";by=x`}}, "2001:db8:cafe::17"},
		{"Forwarded from an untrusted peer", proxies, HeaderForwarded, "203.0.113.9:1",
			map[string][]string{"Forwarded": {"for=198.51.100.1"}}, "203.0.113.9"},
		{"Forwarded with an obfuscated hop: the peer", proxies, HeaderForwarded, "192.0.2.1:1",
			map[string][]string{"Forwarded": {"for=198.51.100.1, for=_hidden"}}, "192.0.2.1"},
		{"Forwarded: all hops trusted, the furthest", proxies, HeaderForwarded, "192.0.2.1:1",
			map[string][]string{"Forwarded": {"for=192.0.2.4;proto=http"}}, "192.0.2.4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tc.peer
			for k, v := range tc.set {
				req.Header[http.CanonicalHeaderKey(k)] = v
			}
			if got := ipExtractor(tc.trusted, tc.header)(req); got != tc.want {
				t.Fatalf("client %q, want %q", got, tc.want)
			}
		})
	}
}
