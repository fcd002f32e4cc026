package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// The headers a trusted proxy may report the client's address in
// (server.clientAddressHeader).
const (
	HeaderXForwardedFor = "X-Forwarded-For"
	HeaderForwarded     = "Forwarded"
	HeaderXRealIP       = "X-Real-IP"
)

// ipExtractor decides the client address of every request (echo's
// RealIP, which dialect.ClientAddr reads): the TCP peer, unless the peer
// is one of the trusted proxies, in which case the one header the proxies
// write says who the client is. Only that header is read, so a client
// cannot slip its own choice of address into another one that the proxy
// passes through untouched. Echo's extractors would also trust loopback
// and private networks by default; here only the configured ranges are.
func ipExtractor(trusted []netip.Prefix, header string) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(prefixNet(p)))
	}
	switch header {
	case HeaderXRealIP:
		return echo.ExtractIPFromRealIPHeader(opts...)
	case HeaderForwarded:
		return forwardedExtractor(trusted)
	default:
		return echo.ExtractIPFromXFFHeader(opts...)
	}
}

func prefixNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	addr := p.Addr()
	return &net.IPNet{IP: addr.AsSlice(), Mask: net.CIDRMask(p.Bits(), addr.BitLen())}
}

// forwardedExtractor reads RFC 7239 Forwarded headers as echo reads
// X-Forwarded-For: the for= addresses in order, then the peer; from the
// right, trusted proxies are skipped and the first other address is the
// client. An address that does not parse (an obfuscated "_hidden",
// "unknown") ends the trust: the peer is the client.
func forwardedExtractor(trusted []netip.Prefix) echo.IPExtractor {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(req *http.Request) string {
		direct := echo.ExtractIPDirect()(req)
		peer, err := netip.ParseAddr(direct)
		if err != nil || !isTrusted(peer.Unmap()) {
			return direct
		}
		values := req.Header.Values(HeaderForwarded)
		if len(values) == 0 {
			return direct
		}
		var hops []string
		for _, v := range values {
			for _, element := range strings.Split(v, ",") {
				hops = append(hops, forwardedFor(element))
			}
		}
		for i := len(hops) - 1; i >= 0; i-- {
			a, ok := forwardedNode(hops[i])
			if !ok {
				return direct
			}
			if !isTrusted(a) {
				return a.String()
			}
		}
		if a, ok := forwardedNode(hops[0]); ok {
			return a.String()
		}
		return direct
	}
}

// forwardedFor is the for= parameter of one forwarded-element ("" when it
// has none).
func forwardedFor(element string) string {
	for _, pair := range strings.Split(element, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(strings.TrimSpace(name), "for") {
			return strings.Trim(strings.TrimSpace(value), `"`)
		}
	}
	return ""
}

// forwardedNode parses a node of RFC 7239 section 6: an IPv4 address or a
// bracketed IPv6 address, either with an optional port.
func forwardedNode(node string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(node); err == nil {
		return ap.Addr().Unmap(), true
	}
	node = strings.TrimSuffix(strings.TrimPrefix(node, "["), "]")
	a, err := netip.ParseAddr(node)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
