package openapi

import (
	"context"
	"net/http"

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
	out := listResponse{Data: []object{}}
	if !lq.none {
		page, err := search(c.Request().Context(), sessionOf(c).caller, lq.query)
		if err != nil {
			return coreError(err, "")
		}
		out.TotalCount = page.Total
		for i := range page.Items {
			out.Data = append(out.Data, lq.sel.apply(kind.fields.render(&page.Items[i])))
		}
	}
	return c.JSON(http.StatusOK, out)
}
