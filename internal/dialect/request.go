package dialect

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// ErrBodyTooLarge: the request body is larger than the server's limit. The
// server bounds every body with http.MaxBytesReader and leaves the answer
// to the dialect, so the client gets the dialect's own error envelope.
var ErrBodyTooLarge = errors.New("request body too large")

// ReadBody reads the whole request body, returning ErrBodyTooLarge when it
// passes the server's limit.
func ReadBody(c echo.Context) ([]byte, error) {
	if c.Request().Body == http.NoBody {
		return []byte{}, nil // a GET's: io.ReadAll would allocate 512 bytes for nothing
	}
	b, err := io.ReadAll(c.Request().Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, tooLarge.Limit)
	}
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return b, nil
}

// Context keys the server and dialects share through echo.Context.
const (
	keyRoute      = "dirgate.route"
	keyCredential = "dirgate.credential"
)

// RequestID returns the request's id (set by the server from X-Request-ID
// or generated).
func RequestID(c echo.Context) string {
	if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
		return id
	}
	return c.Request().Header.Get(echo.HeaderXRequestID)
}

// SetRoute names the route for metrics and access logs when the dialect
// dispatches itself (a catch-all route, a JSON-RPC method), so the label
// stays low-cardinality and meaningful.
func SetRoute(c echo.Context, route string) { c.Set(keyRoute, route) }

// Route returns the route name set by SetRoute, else echo's route pattern.
func Route(c echo.Context) string {
	if r, ok := c.Get(keyRoute).(string); ok && r != "" {
		return r
	}
	return c.Path()
}

// Caller builds the core's Caller for a request. It also notes name as
// the request's credential (Credential), for the server's per-client
// counts: every dialect names its callers here, so none needs to say it
// twice.
func Caller(c echo.Context, dialect, name string, scope identity.Scope) identity.Caller {
	SetCredential(c, name)
	return identity.Caller{Name: name, Dialect: dialect, RequestID: RequestID(c), Address: ClientAddr(c), Scope: scope}
}

// ClientAddr is the client's address: what the server's IP extractor
// decides (the TCP peer, or the address a trusted proxy reported; see
// server.trustedProxies), else the TCP peer. Without an extractor echo's
// RealIP would believe X-Forwarded-For from anyone, so it is not asked.
// Invalid for a unix-socket client.
func ClientAddr(c echo.Context) netip.Addr {
	host := c.Request().RemoteAddr
	if c.Echo().IPExtractor != nil {
		host = c.RealIP()
	} else if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap()
}

// SetCredential names the request's credential where a dialect
// authenticates a client before (or without) building a Caller: an
// Artica key on a read that calls no core method.
func SetCredential(c echo.Context, name string) { c.Set(keyCredential, name) }

// Credential is the name of the last caller the dialect built for this
// request (an API key id, an account, "socket"), or "" before any.
func Credential(c echo.Context) string {
	s, _ := c.Get(keyCredential).(string)
	return s
}
