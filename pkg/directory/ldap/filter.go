package ldap

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Compiling the port's filter language to an LDAP filter (RFC 4515). Every
// value of the language is escaped here, once, with ldap.EscapeFilter.
// The few other filters built from caller input (lookups by a Ref in
// lookup.go, memberships in members.go and ad_members.go, Resolve in
// ous.go) escape their values the same way where they are built.

// matchNothing is a filter no entry matches ("(|)" is RFC 4526, which not
// every server or go-ldap's compiler takes).
const matchNothing = "(!(objectClass=*))"

// filterCompiler knows the fields of one kind of entry.
type filterCompiler struct {
	d      *Directory
	fields map[directory.Field]string // field → model key
	now    time.Time
	// loose counts the Or and Not nodes around the node being compiled:
	// at 0 every result must satisfy it.
	loose int
	// rechecks are conditions the server evaluates too broadly, to be
	// checked on every result (recheck).
	rechecks []recheck
	// ordering says which attributes the server can order (ordering.go);
	// nil refuses every atLeast and atMost.
	ordering *orderingRules
}

var userFieldKeys = map[directory.Field]string{
	directory.FieldID: attrID, directory.FieldDN: attrDN, directory.FieldUsername: attrUsername,
	directory.FieldUIDNumber: attrUIDNumber, directory.FieldGIDNumber: attrGIDNumber,
	directory.FieldGivenName: attrGivenName, directory.FieldSurname: attrSurname,
	directory.FieldDisplayName: attrDisplayName, directory.FieldMail: attrMail,
	directory.FieldTelephone: attrTelephone, directory.FieldMobile: attrMobile,
	directory.FieldTitle: attrTitle, directory.FieldDescription: attrDesc,
	directory.FieldUserPrincipalName: attrPrincipalName, directory.FieldHomeDirectory: attrHomeDirectory,
	directory.FieldExternalID: attrExtID, directory.FieldInvitationPending: attrInvitePending,
	directory.FieldSystem: attrSystem, directory.FieldCreated: attrCreated, directory.FieldModified: attrModified,
	// Account state fields are compiled by the profile's account policy.
	directory.FieldEnabled: "", directory.FieldLocked: "", directory.FieldMustChange: "",
}

var groupFieldKeys = map[directory.Field]string{
	directory.FieldID: attrID, directory.FieldDN: attrDN, directory.FieldName: attrGroupName,
	directory.FieldGIDNumber: attrGIDNumber, directory.FieldDescription: attrDesc,
	directory.FieldExternalID: attrExtID, directory.FieldSystem: attrSystem,
	directory.FieldCreated: attrCreated, directory.FieldModified: attrModified,
}

// compile renders f; nil matches everything ("").
func (fc *filterCompiler) compile(f directory.Filter) (string, error) {
	switch n := f.(type) {
	case nil:
		return "", nil
	case directory.Cond:
		return fc.cond(n)
	case directory.And:
		if len(n) == 0 {
			return "", nil
		}
		return fc.list("&", n)
	case directory.Or:
		if len(n) == 0 {
			return matchNothing, nil
		}
		fc.loose++
		defer func() { fc.loose-- }()
		return fc.list("|", n)
	case directory.Not:
		fc.loose++
		inner, err := fc.compile(n.Filter)
		fc.loose--
		if err != nil {
			return "", err
		}
		if inner == "" {
			return matchNothing, nil
		}
		return "(!" + inner + ")", nil
	}
	return "", invalid("unknown filter node %T", f)
}

func (fc *filterCompiler) list(op string, fs []directory.Filter) (string, error) {
	var b strings.Builder
	b.WriteString("(" + op)
	for _, f := range fs {
		s, err := fc.compile(f)
		if err != nil {
			return "", err
		}
		if s == "" {
			s = "(objectClass=*)"
		}
		b.WriteString(s)
	}
	b.WriteString(")")
	return b.String(), nil
}

func (fc *filterCompiler) cond(c directory.Cond) (string, error) {
	attr, err := fc.attribute(c.Field)
	if err != nil {
		return "", err
	}
	if attr == "" {
		return fc.stateCond(c)
	}
	if fc.d.prof.quirks.noNUL && slices.ContainsFunc(c.Values, hasNUL) {
		// The server would compare such a value cut at the NUL (so
		// "a@x\x00y" would match a@x), and no stored value holds one,
		// since writes refuse them: taken literally, it matches nothing.
		c.Values = slices.DeleteFunc(slices.Clone(c.Values), hasNUL)
		if len(c.Values) == 0 {
			return matchNothing, nil
		}
	}
	attrs := []string{attr}
	if other := fc.d.prof.quirks.otherMobile; c.Field == directory.FieldMobile && other != "" {
		attrs = append(attrs, other)
	}
	if fc.widened(c) {
		fc.rechecks = append(fc.rechecks, recheck{attrs: attrs, op: c.Op, value: c.Values[0]})
	}
	if other := fc.d.prof.quirks.otherMobile; c.Field == directory.FieldMobile && other != "" && c.Op != directory.OpPresent {
		// The first number is in mobile, the others in otherMobile.
		first, err := fc.condOn(attr, c)
		if err != nil {
			return "", err
		}
		rest, err := fc.condOn(other, c)
		if err != nil {
			return "", err
		}
		return "(|" + first + rest + ")", nil
	}
	return fc.condOn(attr, c)
}

// condOn compiles one comparison on one attribute.
func (fc *filterCompiler) condOn(attr string, c directory.Cond) (string, error) {
	kind := directory.FieldKind(c.Field)
	switch c.Op {
	case directory.OpPresent:
		if kind == directory.KindBool {
			return fc.boolCond(attr, true), nil
		}
		return "(" + attr + "=*)", nil
	case directory.OpEq:
		return fc.eq(attr, c.Field, kind, c.Values[0])
	case directory.OpIn:
		var b strings.Builder
		b.WriteString("(|")
		for _, v := range c.Values {
			s, err := fc.eq(attr, c.Field, kind, v)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
		b.WriteString(")")
		return b.String(), nil
	case directory.OpContains:
		v := fc.substring(c)
		if v == "" {
			return "(" + attr + "=*)", nil
		}
		return "(" + attr + "=*" + ldap.EscapeFilter(v) + "*)", nil
	case directory.OpStartsWith:
		v := fc.substring(c)
		if v == "" {
			return "(" + attr + "=*)", nil
		}
		return "(" + attr + "=" + ldap.EscapeFilter(v) + "*)", nil
	case directory.OpEndsWith:
		v := fc.substring(c)
		if v == "" {
			return "(" + attr + "=*)", nil
		}
		return "(" + attr + "=*" + ldap.EscapeFilter(v) + ")", nil
	case directory.OpAtLeast, directory.OpAtMost:
		return fc.order(attr, c, kind)
	case directory.OpBefore, directory.OpAfter:
		t, err := time.Parse(time.RFC3339Nano, c.Values[0])
		if err != nil {
			return "", invalid("%s: %q is not an RFC 3339 date-time", c.Field, c.Values[0])
		}
		return fc.timeCond(attr, c.Op, t), nil
	}
	return "", invalid("unknown operator %q", c.Op)
}

// timeCond renders before, after, atLeast or atMost on a time attribute.
// LDAP has only <= and >=: strictly before and after exclude the bound.
func (fc *filterCompiler) timeCond(attr string, op directory.Op, t time.Time) string {
	if !fc.d.prof.quirks.wholeSecondTimes {
		v := assertionTime(t)
		switch op {
		case directory.OpBefore:
			return fmt.Sprintf("(&(%s<=%s)(!(%s=%s)))", attr, v, attr, v)
		case directory.OpAfter:
			return fmt.Sprintf("(&(%s>=%s)(!(%s=%s)))", attr, v, attr, v)
		case directory.OpAtLeast:
			return "(" + attr + ">=" + v + ")"
		default:
			return "(" + attr + "<=" + v + ")"
		}
	}
	// The server holds whole seconds and drops an assertion's fraction,
	// so the bound is moved to the whole second that keeps the meaning:
	// for a stored s, s >= 12:00:00.5 is s >= 12:00:01, s < 12:00:00.5
	// is s <= 12:00:00, s > 12:00:00 is s >= 12:00:01.
	floor := t.Truncate(time.Second)
	ceil := floor
	if !t.Equal(floor) {
		ceil = floor.Add(time.Second)
	}
	at := fc.d.timeValue
	switch op {
	case directory.OpBefore:
		return "(" + attr + "<=" + at(ceil.Add(-time.Second)) + ")"
	case directory.OpAfter:
		return "(" + attr + ">=" + at(floor.Add(time.Second)) + ")"
	case directory.OpAtLeast:
		return "(" + attr + ">=" + at(ceil) + ")"
	default:
		return "(" + attr + "<=" + at(floor) + ")"
	}
}

// order renders atLeast or atMost, where the server's schema gives attr an
// ordering rule (see ordering.go): elsewhere the server would answer
// Undefined, an empty result, so the condition is refused instead.
func (fc *filterCompiler) order(attr string, c directory.Cond, kind directory.Kind) (string, error) {
	if !fc.ordering.orders(attr) {
		return "", invalid("%s: this directory's schema has no ordering rule for %s, so %s cannot be evaluated", c.Field, attr, c.Op)
	}
	op := ">="
	if c.Op == directory.OpAtMost {
		op = "<="
	}
	v := c.Values[0]
	switch kind {
	case directory.KindNumber:
		n, err := directory.ParseNumber(v)
		if err != nil {
			return "", invalid("%s: %v", c.Field, err)
		}
		return fmt.Sprintf("(%s%s%d)", attr, op, n), nil
	case directory.KindTime:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return "", invalid("%s: %q is not an RFC 3339 date-time", c.Field, v)
		}
		return fc.timeCond(attr, c.Op, t), nil
	case directory.KindString:
		return "(" + attr + op + ldap.EscapeFilter(v) + ")", nil
	}
	return "", invalid("%s cannot be used on %s", c.Op, c.Field)
}

// eq renders one equality, by the field's kind.
func (fc *filterCompiler) eq(attr string, f directory.Field, kind directory.Kind, v string) (string, error) {
	switch kind {
	case directory.KindBool:
		return fc.boolCond(attr, v == "true"), nil
	case directory.KindNumber:
		n, err := directory.ParseNumber(v)
		if err != nil {
			return "", invalid("%s: %v", f, err)
		}
		return fmt.Sprintf("(%s=%d)", attr, n), nil
	}
	switch f {
	case directory.FieldID:
		id, ok := fc.d.prof.ids.assertion(v)
		if !ok {
			return matchNothing, nil
		}
		return "(" + attr + "=" + id + ")", nil
	case directory.FieldDN:
		n, err := directory.NormalizeDN(v)
		if err != nil {
			return matchNothing, nil
		}
		wire := fc.d.wireDN(n)
		if fc.d.prof.quirks.noNUL && hasNUL(wire) {
			// A DN escape (`\00`) can spell the NUL the raw value does not
			// hold: the server would compare it cut there, as cond says.
			return matchNothing, nil
		}
		return "(" + attr + "=" + ldap.EscapeFilter(wire) + ")", nil
	}
	return "(" + attr + "=" + ldap.EscapeFilter(v) + ")", nil
}

// boolCond: dirgate's booleans are absent when false.
func (fc *filterCompiler) boolCond(attr string, v bool) string {
	if v {
		return "(" + attr + "=TRUE)"
	}
	return "(!(" + attr + "=TRUE))"
}

// stateCond compiles enabled, locked and must-change through the profile.
func (fc *filterCompiler) stateCond(c directory.Cond) (string, error) {
	if c.Op == directory.OpPresent {
		return "", nil // every account has a state
	}
	var parts []string
	for _, v := range c.Values {
		s, ok := fc.d.prof.account.filter(c.Field, v == "true", fc.now)
		if !ok {
			return "", invalid("field %q cannot be searched on this directory", c.Field)
		}
		parts = append(parts, s)
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return "(|" + strings.Join(parts, "") + ")", nil
}

// attribute returns the LDAP attribute of a field; "" for account state
// fields, which the profile compiles.
func (fc *filterCompiler) attribute(f directory.Field) (string, error) {
	if name, ok := f.Attribute(); ok {
		canon, ok := fc.d.extraName(name)
		if !ok {
			return "", invalid("attribute %q is not in this directory's extraAttributes", name)
		}
		return canon, nil
	}
	key, ok := fc.fields[f]
	if !ok {
		return "", invalid("unknown field %q", f)
	}
	if key == "" {
		return "", nil
	}
	attr := fc.d.attrs.get(key)
	if attr == "" {
		return "", invalid("field %q is not stored by this directory", f)
	}
	return attr, nil
}

// assertionTime renders a time for a GeneralizedTime assertion, keeping
// fractions of a second so that "before 12:00:00.5" includes 12:00:00.
func assertionTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format(generalizedTime)
	}
	return strings.TrimRight(t.Format("20060102150405.000000000"), "0") + "Z"
}

// Samba canonicalises the chunks of a substring filter as it does values
// for equality: case folded, and spaces at the edges dropped. So
// "(sAMAccountName=* *)" finds nothing and "(sAMAccountName=x *)" finds
// every name starting with x (and "(sAMAccountName=* x)" every name
// ending with it). Where the profile says so, such a condition
// is sent without its edge spaces, which makes the server's answer a
// superset, and each result is then checked against the exact condition
// (case-insensitively, as the server compares). That is exact wherever
// every result must satisfy the condition (at the top of the filter or
// inside And); inside Or or Not a superset would be wrong, so there the
// server's own meaning stands.

// recheck is one condition to check on the results.
type recheck struct {
	attrs []string // any of them may hold the value
	op    directory.Op
	value string
}

// widened reports whether c is a substring condition the server would
// fold, in a place where it can be widened and rechecked.
func (fc *filterCompiler) widened(c directory.Cond) bool {
	if !fc.d.prof.quirks.foldsEdgeSpaces || fc.loose > 0 || len(c.Values) != 1 {
		return false
	}
	if c.Op != directory.OpContains && c.Op != directory.OpStartsWith && c.Op != directory.OpEndsWith {
		return false
	}
	return c.Values[0] != strings.Trim(c.Values[0], " ")
}

// substring returns the value a substring condition is sent with.
func (fc *filterCompiler) substring(c directory.Cond) string {
	if fc.widened(c) {
		return strings.Trim(c.Values[0], " ")
	}
	return c.Values[0]
}

// keep reports whether e satisfies every recheck.
func keep(rechecks []recheck, e *ldap.Entry) bool {
	for _, r := range rechecks {
		if !r.matches(e) {
			return false
		}
	}
	return true
}

func (r recheck) matches(e *ldap.Entry) bool {
	want := strings.ToLower(r.value)
	for _, a := range r.attrs {
		for _, v := range e.GetEqualFoldAttributeValues(a) {
			v = strings.ToLower(v)
			if r.op == directory.OpStartsWith && strings.HasPrefix(v, want) ||
				r.op == directory.OpEndsWith && strings.HasSuffix(v, want) ||
				r.op == directory.OpContains && strings.Contains(v, want) {
				return true
			}
		}
	}
	return false
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }
