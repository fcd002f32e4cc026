package scim

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The filter compiler turns an RFC 7644 filter (parsed by
// scim2/filter-parser) into ONE filter of the core's language, which the
// directory evaluates server side (an LDAP backend as one RFC 4515 filter,
// escaping every value where it builds it). Nothing is fetched to be
// filtered here: what cannot be expressed is a 400 invalidFilter.
//
// Multi-valued attributes (emails, phoneNumbers) are sets of elements the
// directory keeps in separate attributes: emails has one element, the
// mail (type "work", primary); phoneNumbers has the telephone (type
// "work", primary) and each mobile (type "mobile"). A value filter
// (emails[type eq "work" and value co "@x"]) is compiled once per kind of
// element, its type and primary known and its value the element's
// attribute, and the results are or-ed: per element, as RFC 7644 means.
// Conditions on the known type and primary fold to true or false, which
// simplifies away.

// matchAll and matchNone are the constants of the language: an empty And
// matches everything, an empty Or nothing.
var (
	matchAll  directory.Filter = directory.And{}
	matchNone directory.Filter = directory.Or{}
)

func isAll(f directory.Filter) bool  { a, ok := f.(directory.And); return ok && len(a) == 0 }
func isNone(f directory.Filter) bool { o, ok := f.(directory.Or); return ok && len(o) == 0 }

func and(a, b directory.Filter) directory.Filter {
	switch {
	case isNone(a) || isNone(b):
		return matchNone
	case isAll(a):
		return b
	case isAll(b):
		return a
	}
	return flatten[directory.And](a, b)
}

func or(a, b directory.Filter) directory.Filter {
	switch {
	case isAll(a) || isAll(b):
		return matchAll
	case isNone(a):
		return b
	case isNone(b):
		return a
	}
	return flatten[directory.Or](a, b)
}

// flatten joins a and b into one T (And or Or), splicing in the operands
// of either that is itself a T.
func flatten[T ~[]directory.Filter](a, b directory.Filter) T {
	var out T
	for _, f := range []directory.Filter{a, b} {
		if inner, ok := f.(T); ok {
			out = append(out, inner...)
		} else {
			out = append(out, f)
		}
	}
	return out
}

func not(a directory.Filter) directory.Filter {
	switch {
	case isAll(a):
		return matchNone
	case isNone(a):
		return matchAll
	}
	if n, ok := a.(directory.Not); ok {
		return n.Filter
	}
	return directory.Not{Filter: a}
}

// element is one kind of element of a multi-valued attribute.
type element struct {
	typ     string
	primary bool
	field   directory.Field
}

var (
	emailElements = []element{{"work", true, directory.FieldMail}}
	phoneElements = []element{{"work", true, directory.FieldTelephone}, {"mobile", false, directory.FieldMobile}}
)

// target is what an attribute path names in the directory.
type target struct {
	field directory.Field
	kind  directory.Kind
	// elems, for a multi-valued attribute, and sub, the sub-attribute
	// compared ("value" when the path names none).
	elems []element
	sub   string
	// equalityOnly: ids compare by eq, ne and pr only (entryUUID and
	// objectGUID have no substring or ordering rule).
	equalityOnly bool
	// manager: the value is a user's id, stored as that user's DN.
	manager bool
	// members: a group's member, by id; compiled to the ids of the groups
	// that member is directly in.
	members bool
}

// resolver names what an attribute path is for one resource type.
type resolver func(ns, attr, sub string) (target, bool)

// pathKey splits an attribute path into its namespace ("" for the core
// schema of the resource, "enterprise" for the Enterprise User
// extension), its attribute and its sub-attribute, lower case:
// attribute names are case-insensitive (RFC 7643 section 2.1).
func pathKey(p filter.AttributePath, core string) (ns, attr, sub string, err error) {
	switch uri := strings.ToLower(p.URI()); uri {
	case "", strings.ToLower(core):
	case enterpriseKey:
		ns = "enterprise"
	default:
		return "", "", "", badRequest(typeInvalidFilter, "unknown schema %q", p.URI())
	}
	return ns, strings.ToLower(p.AttributeName), strings.ToLower(p.SubAttributeName()), nil
}

// compiler compiles one filter; lookupManager turns a user id into the
// DN the manager attribute holds ("" when there is no such user), and
// lookupGroups a member's id into the ids of its direct groups.
type compiler struct {
	core          string
	resolve       resolver
	lookupManager func(id string) (string, error)
	lookupGroups  func(id string) ([]string, error)
}

// compileFilter parses and compiles a filter string.
func (c *compiler) compileFilter(raw string) (directory.Filter, error) {
	if e, ok := parseSimple(raw); ok {
		return c.compile(e)
	}
	expr, err := filter.ParseFilter([]byte(literalEscapes(raw)))
	if err != nil {
		return nil, badRequest(typeInvalidFilter, "the filter does not parse: %v", err)
	}
	return c.compile(expr)
}

func (c *compiler) compile(expr filter.Expression) (directory.Filter, error) {
	switch e := expr.(type) {
	case *filter.LogicalExpression:
		return logical(e, c.compile)
	case *filter.NotExpression:
		f, err := c.compile(e.Expression)
		if err != nil {
			return nil, err
		}
		return not(f), nil
	case *filter.ValuePath:
		t, err := c.target(e.AttributePath)
		if err != nil {
			return nil, err
		}
		if t.members {
			return c.compileMembers(e.ValueFilter)
		}
		if t.elems == nil || t.sub != "value" {
			return nil, badRequest(typeInvalidFilter, "%s is not a multi-valued attribute that takes a value filter", e.AttributePath)
		}
		return perElement(t.elems, func(el element) (directory.Filter, error) { return compileIn(e.ValueFilter, el) })
	case *filter.AttributeExpression:
		t, err := c.target(e.AttributePath)
		if err != nil {
			return nil, err
		}
		if t.elems != nil {
			sub := t.sub
			return perElement(t.elems, func(el element) (directory.Filter, error) {
				return compareElement(el, sub, e.Operator, e.CompareValue)
			})
		}
		if t.manager {
			return c.compareManager(t, e)
		}
		if t.members {
			return c.compareMember(e.Operator, e.CompareValue)
		}
		return compareField(t, e.Operator, e.CompareValue)
	}
	return nil, badRequest(typeInvalidFilter, "unsupported filter expression")
}

// logical compiles both sides of an and or an or with compile.
func logical(e *filter.LogicalExpression, compile func(filter.Expression) (directory.Filter, error)) (directory.Filter, error) {
	l, err := compile(e.Left)
	if err != nil {
		return nil, err
	}
	r, err := compile(e.Right)
	if err != nil {
		return nil, err
	}
	if e.Operator == filter.AND {
		return and(l, r), nil
	}
	return or(l, r), nil
}

func (c *compiler) target(p filter.AttributePath) (target, error) {
	ns, attr, sub, err := pathKey(p, c.core)
	if err != nil {
		return target{}, err
	}
	t, ok := c.resolve(ns, attr, sub)
	if !ok {
		return target{}, badRequest(typeInvalidFilter, "%s cannot be filtered on", p)
	}
	return t, nil
}

// perElement or-s a filter compiled for each kind of element, each
// and-ed with the element being there.
func perElement(elems []element, compile func(element) (directory.Filter, error)) (directory.Filter, error) {
	out := matchNone
	for _, el := range elems {
		f, err := compile(el)
		if err != nil {
			return nil, err
		}
		if c, ok := f.(directory.Cond); ok && c.Op == directory.OpPresent && c.Field == el.field {
			out = or(out, f) // "the element is there" already
			continue
		}
		out = or(out, and(directory.Present(el.field), f))
	}
	return out, nil
}

// compileIn compiles a value filter for one kind of element.
func compileIn(expr filter.Expression, el element) (directory.Filter, error) {
	switch e := expr.(type) {
	case *filter.LogicalExpression:
		return logical(e, func(x filter.Expression) (directory.Filter, error) { return compileIn(x, el) })
	case *filter.NotExpression:
		f, err := compileIn(e.Expression, el)
		if err != nil {
			return nil, err
		}
		return not(f), nil
	case *filter.AttributeExpression:
		if e.AttributePath.URIPrefix != nil || e.AttributePath.SubAttribute != nil {
			return nil, badRequest(typeInvalidFilter, "%s: a value filter names sub-attributes only", e.AttributePath)
		}
		return compareElement(el, strings.ToLower(e.AttributePath.AttributeName), e.Operator, e.CompareValue)
	}
	return nil, badRequest(typeInvalidFilter, "value filters do not nest")
}

// compareElement compares a sub-attribute of one kind of element: its
// value against the directory, its type and primary, which are known, to
// a constant.
func compareElement(el element, sub string, op filter.CompareOperator, value any) (directory.Filter, error) {
	switch sub {
	case "value":
		return compareField(target{field: el.field, kind: directory.KindString}, op, value)
	case "type":
		return compareConstant(el.typ, op, value)
	case "primary":
		return compareConstant(el.primary, op, value)
	}
	return nil, badRequest(typeInvalidFilter, "sub-attribute %q cannot be filtered on", sub)
}

// compareConstant evaluates a comparison whose left side is known.
func compareConstant(have any, op filter.CompareOperator, value any) (directory.Filter, error) {
	verdict := func(b bool) (directory.Filter, error) {
		if b {
			return matchAll, nil
		}
		return matchNone, nil
	}
	if op == filter.PR {
		return verdict(have != "")
	}
	switch h := have.(type) {
	case bool:
		v, ok := boolValue(value)
		if !ok {
			return nil, badRequest(typeInvalidFilter, "%s takes true or false", op)
		}
		switch op {
		case filter.EQ:
			return verdict(h == v)
		case filter.NE:
			return verdict(h != v)
		}
		return nil, badRequest(typeInvalidFilter, "a boolean compares with eq, ne and pr only")
	case string:
		v, err := stringValue(value)
		if err != nil {
			return nil, err
		}
		h, v = strings.ToLower(h), strings.ToLower(v)
		switch op {
		case filter.EQ:
			return verdict(h == v)
		case filter.NE:
			return verdict(h != v)
		case filter.CO:
			return verdict(strings.Contains(h, v))
		case filter.SW:
			return verdict(strings.HasPrefix(h, v))
		case filter.EW:
			return verdict(strings.HasSuffix(h, v))
		case filter.GT:
			return verdict(h > v)
		case filter.GE:
			return verdict(h >= v)
		case filter.LT:
			return verdict(h < v)
		case filter.LE:
			return verdict(h <= v)
		}
	}
	return nil, badRequest(typeInvalidFilter, "unknown operator %q", op)
}

// compareField compiles a comparison of one directory field.
func compareField(t target, op filter.CompareOperator, value any) (directory.Filter, error) {
	f := t.field
	if op == filter.PR {
		return directory.Present(f), nil
	}
	switch t.kind {
	case directory.KindBool:
		v, ok := boolValue(value)
		if !ok {
			return nil, badRequest(typeInvalidFilter, "%s takes true or false", f)
		}
		switch op {
		case filter.EQ:
			return directory.BoolEq(f, v), nil
		case filter.NE:
			return directory.BoolEq(f, !v), nil
		}
		return nil, badRequest(typeInvalidFilter, "a boolean compares with eq, ne and pr only")
	case directory.KindTime:
		s, err := stringValue(value)
		if err != nil {
			return nil, err
		}
		at, perr := time.Parse(time.RFC3339Nano, s)
		if perr != nil {
			return nil, badRequest(typeInvalidFilter, "%q is not an RFC 3339 date-time", s)
		}
		ts := at.UTC().Format(time.RFC3339Nano)
		switch op {
		case filter.GT:
			return directory.After(f, at), nil
		case filter.LT:
			return directory.Before(f, at), nil
		case filter.GE:
			return directory.AtLeast(f, ts), nil
		case filter.LE:
			return directory.AtMost(f, ts), nil
		case filter.EQ:
			return and(directory.AtLeast(f, ts), directory.AtMost(f, ts)), nil
		case filter.NE:
			return or(directory.Before(f, at), directory.After(f, at)), nil
		}
		return nil, badRequest(typeInvalidFilter, "a date-time compares with eq, ne, gt, ge, lt, le and pr only")
	}
	v, err := stringValue(value)
	if err != nil {
		return nil, err
	}
	if t.equalityOnly && op != filter.EQ && op != filter.NE {
		return nil, badRequest(typeInvalidFilter, "%s compares with eq, ne and pr only", f)
	}
	switch op {
	case filter.GT, filter.GE, filter.LT, filter.LE:
		if !directory.Orderable(f) {
			// The directory's schema has no ordering rule for it: an LDAP
			// server would answer "undefined", matching nothing.
			return nil, badRequest(typeInvalidFilter, "%s has no ordering in the directory: gt, ge, lt and le cannot be used on it", f)
		}
	}
	switch op {
	case filter.EQ:
		return directory.Eq(f, v), nil
	case filter.NE:
		return not(directory.Eq(f, v)), nil
	case filter.CO:
		return directory.Contains(f, v), nil
	case filter.SW:
		return directory.StartsWith(f, v), nil
	case filter.EW:
		return directory.EndsWith(f, v), nil
	case filter.GE:
		return directory.AtLeast(f, v), nil
	case filter.LE:
		return directory.AtMost(f, v), nil
	case filter.GT:
		return and(directory.AtLeast(f, v), not(directory.Eq(f, v))), nil
	case filter.LT:
		return and(directory.AtMost(f, v), not(directory.Eq(f, v))), nil
	}
	return nil, badRequest(typeInvalidFilter, "unknown operator %q", op)
}

// compareManager: the manager is named by its id and stored as its DN, so
// only equality (and presence) can be asked, after looking the id up.
func (c *compiler) compareManager(t target, e *filter.AttributeExpression) (directory.Filter, error) {
	if e.Operator == filter.PR {
		return directory.Present(t.field), nil
	}
	if e.Operator != filter.EQ && e.Operator != filter.NE {
		return nil, badRequest(typeInvalidFilter, "manager compares with eq, ne and pr only")
	}
	id, err := stringValue(e.CompareValue)
	if err != nil {
		return nil, err
	}
	dn, err := c.lookupManager(id)
	if err != nil {
		return nil, err
	}
	f := matchNone
	if dn != "" {
		f = directory.Eq(t.field, dn)
	}
	if e.Operator == filter.NE {
		return not(f), nil
	}
	return f, nil
}

// compareMember: members eq "id" is the groups that id is directly in,
// read once (one MemberOf) and compiled as their ids; the member lists
// themselves are never read.
func (c *compiler) compareMember(op filter.CompareOperator, value any) (directory.Filter, error) {
	if c.lookupGroups == nil || op != filter.EQ && op != filter.NE {
		return nil, badRequest(typeInvalidFilter, "members compares with eq and ne only")
	}
	id, err := stringValue(value)
	if err != nil {
		return nil, err
	}
	ids, err := c.lookupGroups(id)
	if err != nil {
		return nil, err
	}
	f := matchNone
	if len(ids) > 0 {
		f = directory.In(directory.FieldID, ids...)
	}
	if op == filter.NE {
		return not(f), nil
	}
	return f, nil
}

// compileMembers: members[value eq "id"], alone or or-ed and and-ed.
func (c *compiler) compileMembers(expr filter.Expression) (directory.Filter, error) {
	switch e := expr.(type) {
	case *filter.LogicalExpression:
		return logical(e, c.compileMembers)
	case *filter.AttributeExpression:
		if strings.EqualFold(e.AttributePath.AttributeName, "value") && e.AttributePath.SubAttribute == nil {
			return c.compareMember(e.Operator, e.CompareValue)
		}
	}
	return nil, badRequest(typeInvalidFilter, "a members filter compares value only")
}

// stringValue is a compare value that must be a string, its JSON escapes
// resolved (the parser hands the text between the quotes as written).
func stringValue(v any) (string, error) {
	raw, ok := v.(string)
	if !ok {
		return "", badRequest(typeInvalidFilter, "%v: a string is expected", v)
	}
	var s string
	if err := json.Unmarshal([]byte(`"`+raw+`"`), &s); err != nil {
		return "", badRequest(typeInvalidFilter, "%q is not a valid string", raw)
	}
	return s, nil
}

// boolValue takes true and false, and for lenient clients "True" and
// "False" as strings.
func boolValue(v any) (bool, bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		switch strings.ToLower(b) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// describe renders a compiled filter for tests and debug logs.
func describe(f directory.Filter) string {
	switch n := f.(type) {
	case directory.Cond:
		return fmt.Sprintf("%s %s %q", n.Field, n.Op, n.Values)
	case directory.And:
		return describeAll("and", n)
	case directory.Or:
		return describeAll("or", n)
	case directory.Not:
		return "not(" + describe(n.Filter) + ")"
	}
	return fmt.Sprintf("%T", f)
}

func describeAll(op string, fs []directory.Filter) string {
	parts := make([]string, len(fs))
	for i, p := range fs {
		parts[i] = describe(p)
	}
	return op + "(" + strings.Join(parts, ", ") + ")"
}
