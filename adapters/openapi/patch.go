package openapi

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"
)

// JSON Patch (RFC 6902) on an entity's writable members. The entities are
// flat, so a path names one top-level member ("/displayName"). The whole
// document is applied to a draft first; only a draft every operation
// succeeded on becomes a directory change, so a patch with one bad
// operation changes nothing.

// JSON Patch operations dirgate applies.
const (
	patchAdd     = "add"
	patchRemove  = "remove"
	patchReplace = "replace"
)

type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// readPatch reads a JSON Patch document: an array of operations. Members
// an operation does not define are ignored, as RFC 6902 asks.
func readPatch(c echo.Context) ([]patchOp, error) {
	raw, err := readJSON(c)
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := decodeStrict(raw, &items); err != nil {
		return nil, err
	}
	if items == nil {
		return nil, badRequest("a JSON Patch document must be an array of operations")
	}
	ops := make([]patchOp, len(items))
	for i, item := range items {
		if err := json.Unmarshal(item, &ops[i]); err != nil {
			return nil, badRequest("operation %d: must be an object with op, path and value", i)
		}
	}
	return ops, nil
}

// applyPatch applies every operation to a copy of before, in order.
func (s entitySchema) applyPatch(before draft, ops []patchOp) (draft, error) {
	d := before.clone()
	for i, op := range ops {
		if err := s.applyOp(d, op); err != nil {
			return nil, badRequest("operation %d (%s %s): %s", i, op.Op, op.Path, reason(err))
		}
	}
	return d, nil
}

func reason(err error) string {
	var api *apiError
	if errors.As(err, &api) {
		return api.message
	}
	return err.Error()
}

func (s entitySchema) applyOp(d draft, op patchOp) error {
	switch op.Op {
	case patchAdd, patchRemove, patchReplace:
	case "test", "move", "copy":
		return badRequest("operation %q is not supported; use add, remove or replace", op.Op)
	case "":
		return badRequest("op is required")
	default:
		return badRequest("unknown operation %q; use add, remove or replace", op.Op)
	}
	name, err := memberName(op.Path)
	if err != nil {
		return err
	}
	f, ok := s.field(name)
	switch {
	case !ok && s.isReadOnly(name):
		return badRequest("%s is read-only", name)
	case !ok:
		return badRequest("unknown field %q of %s", name, s.entity)
	}
	_, present := d[name]
	switch op.Op {
	case patchRemove:
		if !present {
			return badRequest("%s has no value to remove", name)
		}
		return s.remove(d, f)
	case patchReplace:
		if !present {
			// RFC 6902: the target of replace must exist; add sets it.
			return badRequest("%s has no value to replace; use add", name)
		}
	}
	if op.Value == nil {
		return badRequest("value is required")
	}
	return s.set(d, f, op.Value)
}

// memberName reads a JSON Pointer (RFC 6901) naming one top-level member.
func memberName(path string) (string, error) {
	if path == "" {
		return "", badRequest("path is required")
	}
	if !strings.HasPrefix(path, "/") {
		return "", badRequest("path must be a JSON Pointer such as /displayName")
	}
	name := path[1:]
	if name == "" || strings.Contains(name, "/") {
		return "", badRequest("path must name one member of the entity, such as /displayName")
	}
	// ~1 before ~0, as RFC 6901 says, so "~01" becomes "~1".
	return strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~"), nil
}
