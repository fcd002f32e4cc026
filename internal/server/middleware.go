package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// keyDialect is where the server notes which dialect a request went to.
const keyDialect = "dirgate.dialect"

// requestID takes the client's X-Request-ID when it is a sane token and
// generates one otherwise, and puts it on the request and the response,
// where dialect.RequestID finds it.
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !saneRequestID(id) {
				id = newRequestID()
				c.Request().Header.Set(echo.HeaderXRequestID, id)
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			return next(c)
		}
	}
}

// saneRequestID accepts ids that are safe to echo in a header and a log
// line: 1 to 128 visible ASCII characters without quotes or backslashes.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := range len(id) {
		if b := id[i]; b <= ' ' || b > '~' || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// recoverPanics turns a panic into a 500 with a generic body; the stack
// goes to the server log only, never to the client.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				r := recover()
				if r == nil {
					return
				}
				if r == http.ErrAbortHandler {
					panic(r) // net/http's way to abort a response: not ours to swallow
				}
				log.Error("panic while answering a request", "request_id", dialect.RequestID(c),
					"dialect", dialectOf(c), "route", dialect.Route(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				if c.Response().Committed {
					err = nil // the status is out; nothing better to send
					return
				}
				err = c.JSON(http.StatusInternalServerError, map[string]string{
					"error": "internal server error", "requestId": dialect.RequestID(c),
				})
			}()
			return next(c)
		}
	}
}

// limitBody bounds the body without answering: the dialect reads it with
// dialect.ReadBody and answers ErrBodyTooLarge in its own envelope.
func limitBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.Body != nil && req.Body != http.NoBody {
				// The raw writer lets net/http close the connection after a
				// too-large body instead of reading the rest of it.
				req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, limit)
			}
			return next(c)
		}
	}
}

// routeTable knows which dialect each route of a listener belongs to.
type routeTable struct {
	// byPath maps echo route patterns to dialects.
	byPath map[string]string
	// prefixes are the non-empty mount prefixes, for requests that
	// matched no route of their dialect.
	prefixes map[string]string
}

func (t *routeTable) dialectFor(c echo.Context) string {
	if d, ok := t.byPath[c.Path()]; ok {
		return d
	}
	path := c.Request().URL.Path
	best, name := "", "none"
	for p, d := range t.prefixes {
		if (path == p || strings.HasPrefix(path, p+"/")) && len(p) > len(best) {
			best, name = p, d
		}
	}
	return name
}

// clientLabel is the client address for the access log: the peer, or the
// address a trusted proxy reported; "local" on a unix socket.
func clientLabel(c echo.Context) string {
	if a := dialect.ClientAddr(c); a.IsValid() {
		return a.String()
	}
	return "local"
}

func dialectOf(c echo.Context) string {
	if d, ok := c.Get(keyDialect).(string); ok {
		return d
	}
	return "none"
}

// tagDialect notes the dialect a request is for, before the handler runs,
// for logs and metrics.
func tagDialect(t *routeTable) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(keyDialect, t.dialectFor(c))
			return next(c)
		}
	}
}

// quiet routes are polled by orchestrators and scrapers: logged at debug.
var quiet = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// observe writes the access log line and the request metrics. It logs the
// path without its query string: clients put passwords there.
func observe(log *slog.Logger, m *Metrics, count func(echo.Context, string, string, time.Duration)) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			m.inFlight.Inc()
			defer m.inFlight.Dec()
			if err := next(c); err != nil {
				// Answer now so the status below is the one sent.
				c.Error(err)
				if he, ok := err.(*echo.HTTPError); !ok || he.Code >= 500 {
					log.Warn("request failed", "request_id", dialect.RequestID(c), "dialect", dialectOf(c), "error", err)
				}
			}
			elapsed := time.Since(start)
			res := c.Response()
			route := dialect.Route(c)
			if route == "" {
				route = "unmatched"
			}
			name := dialectOf(c)
			m.requests.WithLabelValues(name, route, methodLabel(c.Request().Method), strconv.Itoa(res.Status)).Inc()
			m.latency.WithLabelValues(name, route).Observe(elapsed.Seconds())
			count(c, name, route, elapsed)

			level := slog.LevelInfo
			switch {
			case res.Status >= 500:
				level = slog.LevelWarn
			case quiet[c.Path()]:
				level = slog.LevelDebug
			}
			log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", c.Request().Method),
				slog.String("path", c.Request().URL.Path),
				slog.String("route", route),
				slog.Int("status", res.Status),
				slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
				slog.String("dialect", name),
				slog.String("request_id", dialect.RequestID(c)),
				slog.String("remote", c.Request().RemoteAddr),
				slog.String("client", clientLabel(c)),
				slog.Int64("bytes", res.Size),
			)
			return nil
		}
	}
}
