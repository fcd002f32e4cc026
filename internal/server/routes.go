package server

import (
	"slices"
	"strings"
)

// Route is one route registered on one listener.
type Route struct {
	// Network and Address are the listener's ("tcp" host:port, or "unix"
	// and the socket path).
	Network, Address string
	// Method is the HTTP method, or echo's marker for a route-not-found
	// handler ("echo_route_not_found").
	Method string
	// Path is echo's pattern, prefix included (":name" parameters, "*").
	Path string
	// Dialect is the dialect that registered it, "server" for the
	// server's own health, readiness and metrics routes.
	Dialect string
}

// Routes lists every route of every listener, as the router holds them,
// sorted. It exists so tests can hold the whole surface to account (the
// auth matrix fails on a route it has no entry for) and for diagnostics;
// serving does not use it.
func (s *Server) Routes() []Route {
	var out []Route
	for _, ep := range s.endpoints {
		for _, r := range ep.echo.Routes() {
			out = append(out, Route{
				Network: ep.listener.Network(), Address: ep.listener.Address(),
				Method: r.Method, Path: r.Path, Dialect: ep.routes.byPath[r.Path],
			})
		}
	}
	slices.SortFunc(out, func(a, b Route) int {
		return strings.Compare(a.Network+a.Address+a.Path+a.Method, b.Network+b.Address+b.Path+b.Method)
	})
	return slices.CompactFunc(out, func(a, b Route) bool { return a == b })
}
