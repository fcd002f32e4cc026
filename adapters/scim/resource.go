package scim

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// What follows is the part of a resource's endpoints that is the same for
// Users and Groups: the reading of a list's parameters, conditional GETs
// and the answer of one resource with its version.

// listing is GET /{Resources}: the list's parameters come in the query.
func listing(query func(*request, listParams) error) handler {
	return func(c echo.Context) error {
		p, err := paramsFromQuery(c.QueryParams())
		if err != nil {
			return err
		}
		return query(newRequest(c), p)
	}
}

// searching is POST /{Resources}/.search: the parameters come in the body.
func searching(query func(*request, listParams) error) handler {
	return func(c echo.Context) error {
		body, err := readBody(c)
		if err != nil {
			return err
		}
		p, err := paramsFromBody(body)
		if err != nil {
			return err
		}
		return query(newRequest(c), p)
	}
}

// queryProjection is the projection the query's attributes and
// excludedAttributes ask for.
func queryProjection(c echo.Context, core string) projection {
	q := c.QueryParams()
	return newProjection(splitList(q["attributes"]), splitList(q["excludedAttributes"]), core)
}

// notModified reports whether If-None-Match names version v; if it does,
// the answer (304, which the caller writes) carries v as its ETag.
func notModified(c echo.Context, v string) bool {
	m := c.Request().Header.Get("If-None-Match")
	if m == "" || !matchesETag(m, v) {
		return false
	}
	c.Response().Header().Set("ETag", v)
	return true
}

// conditional reports whether a request carries If-Match or If-None-Match.
func conditional(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("If-Match") != "" || h.Get("If-None-Match") != ""
}

// writeResource answers one rendered resource through proj, with its
// version as the ETag and, when it was created, its address as Location.
func writeResource(r *request, status int, res any, m meta, proj projection) error {
	out, err := proj.apply(res)
	if err != nil {
		return err
	}
	h := r.c.Response().Header()
	h.Set("ETag", m.Version)
	if status == http.StatusCreated {
		h.Set(echo.HeaderLocation, m.Location)
	}
	return writeJSON(r.c, status, out)
}
