package openapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Conditions of the query language compile into the core's filter
// language, which every backend evaluates itself (LDAP backends as escaped
// server-side filters). Values are passed through as data, never spliced
// into filter text here.

// matchNone is a condition no entry meets (e.g. deleted users: dirgate
// deletes for good). A search holding it is answered empty without asking
// the directory.
var matchNone directory.Filter = directory.Or{}

func isMatchNone(f directory.Filter) bool {
	or, ok := f.(directory.Or)
	return ok && len(or) == 0
}

// and joins conditions; nil conditions (no restriction) drop out. It
// reports none when a condition matches nothing.
func and(conds []directory.Filter) (f directory.Filter, none bool) {
	var all directory.And
	for _, c := range conds {
		switch {
		case c == nil:
		case isMatchNone(c):
			return nil, true
		default:
			all = append(all, c)
		}
	}
	switch len(all) {
	case 0:
		return nil, false
	case 1:
		return all[0], false
	}
	return all, false
}

func param(field, op string) string { return "filter[" + field + "][" + op + "]" }

// oneValue is the single, non-empty value of a condition.
func oneValue(field, op string, values []string) (string, error) {
	if len(values) != 1 {
		return "", badRequest("%s takes one value", param(field, op))
	}
	if values[0] == "" {
		return "", badRequest("%s needs a value", param(field, op))
	}
	return values[0], nil
}

func boolValue(field, op string, values []string) (bool, error) {
	if op == opPR && len(values) == 1 && values[0] == "" {
		return true, nil // filter[x][PR] alone asks for presence
	}
	v, err := oneValue(field, op, values)
	if err != nil {
		return false, err
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		return false, badRequest("%s must be true or false, not %q", param(field, op), v)
	}
	return b, nil
}

func timeValue(field, op string, values []string) (time.Time, error) {
	v, err := oneValue(field, op, values)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, badRequest("%s must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, not %q", param(field, op), v)
	}
	return t, nil
}

func listValues(field, op string, values []string) ([]string, error) {
	if len(values) == 0 {
		return nil, badRequest("%s needs at least one value", param(field, op))
	}
	return values, nil
}

type dirCompile = compileFunc[directory.Filter]

// textOps: a text field takes EQ, CO, SW, IN and PR.
func textOps(df directory.Field) map[string]dirCompile {
	ops := eqInOps(df)
	ops[opCO] = func(field string, values []string) (directory.Filter, error) {
		v, err := oneValue(field, opCO, values)
		return directory.Contains(df, v), err
	}
	ops[opSW] = func(field string, values []string) (directory.Filter, error) {
		v, err := oneValue(field, opSW, values)
		return directory.StartsWith(df, v), err
	}
	ops[opPR] = presenceOp(df)
	return ops
}

// eqInOps: identifiers take EQ and IN only (an id has no substrings).
func eqInOps(df directory.Field) map[string]dirCompile {
	return map[string]dirCompile{
		opEQ: func(field string, values []string) (directory.Filter, error) {
			v, err := oneValue(field, opEQ, values)
			return directory.Eq(df, v), err
		},
		opIN: func(field string, values []string) (directory.Filter, error) {
			vs, err := listValues(field, opIN, values)
			return directory.In(df, vs...), err
		},
	}
}

func presenceOp(df directory.Field) dirCompile {
	return func(field string, values []string) (directory.Filter, error) {
		present, err := boolValue(field, opPR, values)
		if err != nil {
			return nil, err
		}
		if present {
			return directory.Present(df), nil
		}
		return directory.Not{Filter: directory.Present(df)}, nil
	}
}

// boolOps: a boolean field takes EQ.
func boolOps(df directory.Field) map[string]dirCompile {
	return map[string]dirCompile{
		opEQ: func(field string, values []string) (directory.Filter, error) {
			b, err := boolValue(field, opEQ, values)
			return directory.BoolEq(df, b), err
		},
	}
}

// timeOps: a date-time field takes LT and GT.
func timeOps(df directory.Field) map[string]dirCompile {
	return map[string]dirCompile{
		opLT: func(field string, values []string) (directory.Filter, error) {
			t, err := timeValue(field, opLT, values)
			return directory.Before(df, t), err
		},
		opGT: func(field string, values []string) (directory.Filter, error) {
			t, err := timeValue(field, opGT, values)
			return directory.After(df, t), err
		},
	}
}

// activeOps: active means enabled and not locked.
func activeOps() map[string]dirCompile {
	return map[string]dirCompile{
		opEQ: func(field string, values []string) (directory.Filter, error) {
			active, err := boolValue(field, opEQ, values)
			if err != nil {
				return nil, err
			}
			if active {
				return directory.And{directory.BoolEq(directory.FieldEnabled, true), directory.BoolEq(directory.FieldLocked, false)}, nil
			}
			return directory.Or{directory.BoolEq(directory.FieldEnabled, false), directory.BoolEq(directory.FieldLocked, true)}, nil
		},
	}
}

// Values of filter[deleted][EQ].
const (
	deletedOnly    = "deletedOnly"
	notDeletedOnly = "notDeletedOnly"
	deletedAll     = "all"
)

// deletedOps: dirgate deletes users for good, so no user is ever
// "deleted": deletedOnly and a deletion date match nothing, the other
// options everything.
func deletedOps() map[string]dirCompile {
	none := func(op string) dirCompile {
		return func(field string, values []string) (directory.Filter, error) {
			_, err := timeValue(field, op, values)
			return matchNone, err
		}
	}
	return map[string]dirCompile{
		opEQ: func(field string, values []string) (directory.Filter, error) {
			v, err := oneValue(field, opEQ, values)
			if err != nil {
				return nil, err
			}
			switch v {
			case deletedOnly:
				return matchNone, nil
			case notDeletedOnly, deletedAll:
				return nil, nil
			}
			return nil, badRequest("%s must be %s, %s or %s, not %q", param(field, opEQ), deletedOnly, notDeletedOnly, deletedAll, v)
		},
		opLT: none(opLT),
		opGT: none(opGT),
	}
}
