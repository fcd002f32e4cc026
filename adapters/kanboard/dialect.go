package kanboard

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Dialect serves Kanboard's JSON-RPC endpoint.
type Dialect struct {
	users      *userTable
	token      tokenCheck
	authHeader string
	scope      identity.Scope
	log        *slog.Logger
	// maxBatch and maxResults bound a request's batch and its answer.
	maxBatch, maxResults int
}

func newDialect(deps dialect.Deps, d *identity.Domain, l layout, token, authHeader string) *Dialect {
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	if token == "" {
		log.Info("kanboard: no API token configured; application mode (jsonrpc user) is off")
	}
	return &Dialect{
		users:      &userTable{dom: d, layout: l},
		token:      newTokenCheck(token),
		authHeader: authHeader,
		scope:      l.scope(d.BaseDN()),
		log:        log,
		maxBatch:   DefaultMaxBatch,
		maxResults: dialect.DefaultMaxResults,
	}
}

// Name is the dialect's configuration key.
func (k *Dialect) Name() string { return Name }

// Mount serves Kanboard's endpoint, with any HTTP method (Kanboard reads
// the body whatever the method is).
func (k *Dialect) Mount(g *echo.Group, _ dialect.Listener) {
	g.Any("/jsonrpc.php", k.serve)
	g.Any("/jsonrpc", k.serve)
}

func (k *Dialect) serve(c echo.Context) error {
	dialect.SetRoute(c, "jsonrpc")
	body, err := dialect.ReadBody(c)
	if err != nil {
		// PHP drops a body it cannot take and then fails to parse nothing.
		k.log.InfoContext(c.Request().Context(), "kanboard: unreadable request body",
			"request_id", dialect.RequestID(c), "error", err)
		reply, _ := encodeReply(nil, nil, errParse)
		return c.JSONBlob(http.StatusOK, reply)
	}
	username, password := k.credentials(c.Request())
	x := &exchange{
		k:         k,
		requestID: dialect.RequestID(c),
		username:  username,
		password:  password,
		newCaller: func(name string) identity.Caller {
			return dialect.Caller(c, Name, name, k.scope)
		},
	}
	out, err := x.answer(c.Request().Context(), body)
	if route := x.route(); route != "" {
		dialect.SetRoute(c, route)
	}
	var d *denial
	if errors.As(err, &d) {
		if d.challenge != "" {
			c.Response().Header().Set("WWW-Authenticate", d.challenge)
		}
		if d.retryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(d.retryAfter))
		}
		return c.JSONBlob(d.status, d.body())
	}
	if err != nil {
		return err // only an encoding failure of our own values: the server's 500
	}
	if x.retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(x.retryAfter))
	}
	if len(out) == 0 {
		// Only notifications: nothing to answer, as Kanboard does.
		c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		return c.NoContent(http.StatusOK)
	}
	return c.JSONBlob(http.StatusOK, out)
}
