package openapi

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/labstack/echo/v4"
)

// A draft is the writable part of an entity as JSON sees it: member name to
// a string or bool; an absent member has no value. POST, PUT and every
// JSON Patch operation edit a draft, which is checked whole and then turned
// into one change of the directory, so an invalid request changes nothing.
type draft map[string]any

func (d draft) clone() draft { return maps.Clone(d) }

func (d draft) text(name string) string {
	s, _ := d[name].(string)
	return s
}

func (d draft) flag(name string) bool {
	b, _ := d[name].(bool)
	return b
}

type valueKind int

const (
	kindText valueKind = iota
	kindFlag
)

// writableField is a member a client may set.
type writableField struct {
	name string
	kind valueKind
	// required members cannot be removed or set empty.
	required bool
}

// entitySchema says which members of an entity clients may write, and
// which they may send but not change (read-only: ignored in POST and PUT
// bodies, so a client can send back what it read; refused in JSON Patch).
type entitySchema struct {
	entity string
	// component names the entity's schema in the OpenAPI document, which
	// read-only members are checked against.
	component string
	writable  []writableField
	readOnly  []string
}

func (s entitySchema) field(name string) (writableField, bool) {
	for _, f := range s.writable {
		if f.name == name {
			return f, true
		}
	}
	return writableField{}, false
}

func (s entitySchema) isReadOnly(name string) bool { return slices.Contains(s.readOnly, name) }

// set checks a value against the member's kind and stores it; JSON null
// and "" remove an optional text member.
func (s entitySchema) set(d draft, f writableField, raw json.RawMessage) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return badRequest("%s: malformed value", f.name)
	}
	switch f.kind {
	case kindFlag:
		b, ok := v.(bool)
		if !ok {
			return badRequest("%s: must be a boolean", f.name)
		}
		d[f.name] = b
	default:
		if v == nil {
			return s.remove(d, f)
		}
		str, ok := v.(string)
		if !ok {
			return badRequest("%s: must be a string", f.name)
		}
		if str == "" {
			return s.remove(d, f)
		}
		d[f.name] = str
	}
	return nil
}

func (s entitySchema) remove(d draft, f writableField) error {
	if f.required || f.kind == kindFlag {
		return badRequest("%s: cannot be removed", f.name)
	}
	delete(d, f.name)
	return nil
}

// applyObject sets every member of a JSON object body on d: writable
// members are set, read-only ones checked against the document and
// ignored, unknown ones refused. extra
// names members the endpoint reads itself (a new user's password).
func (s entitySchema) applyObject(d draft, body map[string]json.RawMessage, extra ...string) error {
	for _, name := range sortedKeys(body) {
		switch f, ok := s.field(name); {
		case ok:
			if err := s.set(d, f, body[name]); err != nil {
				return err
			}
		case s.isReadOnly(name):
			if err := s.checkReadOnly(name, body[name]); err != nil {
				return err
			}
		case slices.Contains(extra, name):
		default:
			return badRequest("unknown field %q of %s", name, s.entity)
		}
	}
	return nil
}

// requireAll checks that the required members have values.
func (s entitySchema) requireAll(d draft) error {
	for _, f := range s.writable {
		if _, ok := d[f.name]; f.required && !ok {
			return badRequest("%s is required", f.name)
		}
	}
	return nil
}

// changedText reports a text member's new value when it differs between
// before and after ("" when it was removed).
func changedText(before, after draft, name string) (*string, bool) {
	if before.text(name) == after.text(name) {
		return nil, false
	}
	v := after.text(name)
	return &v, true
}

// changedFlag reports a flag's new value when it differs.
func changedFlag(before, after draft, name string) (*bool, bool) {
	if before.flag(name) == after.flag(name) {
		return nil, false
	}
	v := after.flag(name)
	return &v, true
}

// readObject reads a JSON object body member by member; raw is the body
// as sent, for members an endpoint decodes itself.
func readObject(c echo.Context) (raw []byte, body map[string]json.RawMessage, err error) {
	if raw, err = readJSON(c); err != nil {
		return nil, nil, err
	}
	if err := decodeStrict(raw, &body); err != nil {
		return nil, nil, err
	}
	if body == nil {
		return nil, nil, badRequest("the body must be a JSON object")
	}
	return raw, body, nil
}
