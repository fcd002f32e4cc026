package openapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// TestMountedAtRootLeavesOtherPathsAlone: at the root, paths of other
// dialects share the router, so unknown paths are not answered as ours.
func TestMountedAtRootLeavesOtherPathsAlone(t *testing.T) {
	h := newHarness(t)
	e := echo.New()
	h.d.Mount(e.Group(""), dialect.Listener{Network: "tcp", Address: "test"})
	e.POST("/jsonrpc.php", func(c echo.Context) error { return c.String(http.StatusOK, "other dialect") })

	for path, want := range map[string]string{
		"/openapi.json": `"openapi"`,
		"/jsonrpc.php":  "Method Not Allowed", // GET on another dialect's path: echo's answer
		"/unknown":      "Not Found",
	} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if !strings.Contains(rec.Body.String(), want) || strings.Contains(rec.Body.String(), "no such endpoint") {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
}
