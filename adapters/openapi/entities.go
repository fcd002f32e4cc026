package openapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// entityKind is what the query and read endpoints need to know about users
// or groups: their members, precomputed, and the unique member that breaks
// sort ties.
type entityKind[T any] struct {
	fields   fieldList[T]
	names    []string
	filters  filterTable[directory.Filter]
	sortable map[string]directory.Field
	tiebreak directory.Field
}

func newEntityKind[T any](fields fieldList[T], tiebreak directory.Field) entityKind[T] {
	return entityKind[T]{fields: fields, names: fields.names(), filters: fields.filters(), sortable: fields.sortable(), tiebreak: tiebreak}
}

var (
	users  = newEntityKind(userFields, directory.FieldUsername)
	groups = newEntityKind(groupFields, directory.FieldName)
)

// getEntity answers a read of one entity, with fields and excludeFields.
func getEntity[T any](c echo.Context, kind entityKind[T], read func(echo.Context) (*T, error)) error {
	p, err := parseListParams(c.QueryParams())
	if err != nil {
		return err
	}
	sel, err := newSelection(p.fields, p.exclude, kind.names)
	if err != nil {
		return err
	}
	e, err := read(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sel.apply(kind.fields.render(e)))
}

// listEntities answers a query: the directory filters, sorts and pages.
func listEntities[T any](c echo.Context, kind entityKind[T],
	search func(context.Context, identity.Caller, directory.Query) (directory.Page[T], error)) error {
	p, err := parseListParams(c.QueryParams())
	if err != nil {
		return err
	}
	lq, err := compileList(p, kind)
	if err != nil {
		return err
	}
	var page directory.Page[T]
	if !lq.none {
		if page, err = search(c.Request().Context(), sessionOf(c).caller, lq.query); err != nil {
			return coreError(err, "")
		}
	}
	if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
		// Indented, as echo's JSON writes it then.
		out := listResponse{TotalCount: page.Total, Data: make([]object, 0, len(page.Items))}
		for i := range page.Items {
			out.Data = append(out.Data, lq.sel.apply(kind.fields.render(&page.Items[i])))
		}
		return c.JSON(http.StatusOK, out)
	}
	b, err := appendList(make([]byte, 0, 512*len(page.Items)+64), page, kind.fields, lq.sel)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// appendList appends a page as echo's JSON writes a listResponse: compact,
// then a newline. Through encoding/json, each object's MarshalJSON wrote a
// buffer of its own, which encoding/json then checked and compacted into
// its own: 7 % of dirgate's CPU in a listing of 1,000-user pages.
func appendList[T any](b []byte, page directory.Page[T], fields fieldList[T], sel selection) ([]byte, error) {
	b = append(b, `{"totalCount":`...)
	b = strconv.AppendInt(b, int64(page.Total), 10)
	b = append(b, `,"data":[`...)
	// The members the selection keeps, written as object.appendJSON
	// writes sel.apply(fields.render(e)), without building the object.
	kept := make([]field[T], 0, len(fields))
	for _, f := range fields {
		if sel.keeps(f.name) {
			kept = append(kept, f)
		}
	}
	var err error
	for i := range page.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		n := 0
		for _, f := range kept {
			mark := len(b)
			if n > 0 {
				b = append(b, ',')
			}
			if b, err = appendString(b, f.name); err != nil {
				return nil, err
			}
			b = append(b, ':')
			var ok bool
			if b, ok, err = f.get.appendValue(b, &page.Items[i]); err != nil {
				return nil, err
			}
			if !ok {
				b = b[:mark] // absent: no member
				continue
			}
			n++
		}
		b = append(b, '}')
	}
	return append(b, "]}\n"...), nil
}
