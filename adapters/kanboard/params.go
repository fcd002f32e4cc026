package kanboard

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/creachadair/jrpc2"
)

// param is one argument of a procedure, as Kanboard's PHP signature
// declares it.
type param struct {
	name string
	// optional: the PHP parameter has a default value.
	optional bool
}

// args are a call's arguments by parameter name; an optional argument
// that was not given is absent.
type args map[string]json.RawMessage

// bind matches params to a procedure's parameters as Kanboard's
// ProcedureHandler::getArguments does: the count is checked first (so a
// named call with an unknown key still counts it), then a JSON array binds
// by position and an object by name.
func bind(params json.RawMessage, decl []param) (args, *jrpc2.Error) {
	var (
		list  []json.RawMessage
		named map[string]json.RawMessage
		n     int
	)
	switch firstByte(params) {
	case 0:
	case '[':
		if err := json.Unmarshal(params, &list); err != nil {
			return nil, errInvalidRequest
		}
		n = len(list)
	default:
		if err := json.Unmarshal(params, &named); err != nil {
			return nil, errInvalidRequest
		}
		n = len(named)
	}
	required := 0
	for _, p := range decl {
		if !p.optional {
			required++
		}
	}
	switch {
	case n < required:
		return nil, invalidParams("Wrong number of arguments")
	case n > len(decl):
		return nil, invalidParams("Too many arguments")
	}
	a := make(args, len(decl))
	if list != nil {
		for i, v := range list {
			a[decl[i].name] = v
		}
		return a, nil
	}
	for _, p := range decl {
		v, ok := named[p.name]
		switch {
		case ok:
			a[p.name] = v
		case !p.optional:
			return nil, invalidParams("Missing argument: " + p.name)
		}
	}
	return a, nil
}

// given reports whether an argument was passed with a value other than
// null (PHP's isset).
func (a args) given(name string) bool {
	v, ok := a[name]
	return ok && !isNull(v)
}

// text reads a string argument as PHP would use it: numbers as their
// digits, true as "1", false as ""; null or absent is def. ok is false for
// an array or object, which no string parameter accepts.
func (a args) text(name, def string) (s string, ok bool) {
	if !a.given(name) {
		return def, true
	}
	v := a[name]
	switch firstByte(v) {
	case '"':
		return s, json.Unmarshal(v, &s) == nil
	case 't':
		return "1", true
	case 'f':
		return "", true
	case '[', '{':
		return "", false
	default:
		return string(bytes.TrimSpace(v)), true // a number
	}
}

// optionalText is text for the parameters of updateUser, where null or
// absent means "leave as it is" (Kanboard's filterValues).
func (a args) optionalText(name string) (*string, bool) {
	if !a.given(name) {
		return nil, true
	}
	s, ok := a.text(name, "")
	return &s, ok
}

// id reads a user id: a positive integer, as a JSON number or a string of
// digits (PHP compares either with the id column). ok is false for
// anything else, which matches no user.
func (a args) id(name string) (int64, bool) {
	v := a[name]
	switch firstByte(v) {
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n > 0
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return n, n > 0
		}
		// float64(math.MaxInt64) rounds up to 2^63, which int64 cannot
		// hold: the bound is exclusive, or 2^63 would convert to a
		// negative id.
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil || f != math.Trunc(f) || f < 1 || f >= math.MaxInt64 {
			return 0, false
		}
		return int64(f), true
	default:
		return 0, false
	}
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// firstByte is the first non-space byte of data, 0 when there is none.
func firstByte(data []byte) byte {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return 0
	}
	return data[0]
}
