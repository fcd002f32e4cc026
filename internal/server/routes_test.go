package server

import (
	"net/http"
	"slices"
	"testing"
)

func TestRoutesListEveryListenersRoutes(t *testing.T) {
	h := start(t, nil)
	routes := h.srv.Routes()
	has := func(network, method, path, dialect string) bool {
		return slices.ContainsFunc(routes, func(r Route) bool {
			return r.Network == network && r.Method == method && r.Path == path && r.Dialect == dialect
		})
	}
	for _, network := range []string{"tcp", "unix"} {
		if !has(network, http.MethodPost, "/p/echo", "probe") || !has(network, http.MethodPut, "/p/rpc/*", "probe") {
			t.Errorf("the probe's routes on %s are missing from %v", network, routes)
		}
	}
	if !has("tcp", http.MethodGet, "/healthz", "server") {
		t.Errorf("the health route is missing from %v", routes)
	}
	if has("unix", http.MethodGet, "/healthz", "server") {
		t.Errorf("health is served on the main listener only, not the socket: %v", routes)
	}
}
