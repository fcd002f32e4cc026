package directory

import (
	"fmt"
	"strings"
	"time"
)

// Field names a searchable attribute of the model. Backends map each field
// to their own attribute; a field they cannot search yields ErrInvalidInput.
type Field string

// Fields of users.
const (
	FieldID                Field = "id"
	FieldDN                Field = "dn"
	FieldUsername          Field = "username"
	FieldUIDNumber         Field = "uidNumber"
	FieldGIDNumber         Field = "gidNumber"
	FieldGivenName         Field = "givenName"
	FieldSurname           Field = "surname"
	FieldDisplayName       Field = "displayName"
	FieldMail              Field = "mail"
	FieldTelephone         Field = "telephone"
	FieldMobile            Field = "mobile"
	FieldTitle             Field = "title"
	FieldDescription       Field = "description"
	FieldUserPrincipalName Field = "userPrincipalName"
	FieldHomeDirectory     Field = "homeDirectory"
	FieldExternalID        Field = "externalId"
	FieldEnabled           Field = "enabled"
	FieldLocked            Field = "locked"
	FieldMustChange        Field = "mustChangePassword"
	FieldInvitationPending Field = "invitationPending"
	FieldSystem            Field = "system"
	FieldCreated           Field = "created"
	FieldModified          Field = "modified"
)

// Fields of groups (FieldID, FieldDN, FieldGIDNumber, FieldDescription,
// FieldExternalID, FieldSystem, FieldCreated and FieldModified apply too).
const (
	FieldName Field = "name"
)

// AttributeField names an extra attribute (one of the backend's allow-list)
// as a search field.
func AttributeField(attr string) Field { return Field("attr:" + attr) }

// Attribute returns the attribute name of a field made by AttributeField.
func (f Field) Attribute() (string, bool) { return strings.CutPrefix(string(f), "attr:") }

// Kind says how a field's values compare.
type Kind int

// Field kinds.
const (
	KindString Kind = iota // case-insensitive text
	KindNumber             // integer
	KindBool               // "true" / "false"
	KindTime               // RFC 3339 date-time
)

// FieldKind returns the kind of a field.
func FieldKind(f Field) Kind {
	switch f {
	case FieldUIDNumber, FieldGIDNumber:
		return KindNumber
	case FieldEnabled, FieldLocked, FieldMustChange, FieldInvitationPending, FieldSystem:
		return KindBool
	case FieldCreated, FieldModified:
		return KindTime
	default:
		return KindString
	}
}

// UserFields are the fields a user search may use (plus AttributeField).
var UserFields = []Field{
	FieldID, FieldDN, FieldUsername, FieldUIDNumber, FieldGIDNumber, FieldGivenName, FieldSurname,
	FieldDisplayName, FieldMail, FieldTelephone, FieldMobile, FieldTitle, FieldDescription,
	FieldUserPrincipalName, FieldHomeDirectory, FieldExternalID, FieldEnabled, FieldLocked,
	FieldMustChange, FieldInvitationPending, FieldSystem, FieldCreated, FieldModified,
}

// GroupFields are the fields a group search may use.
var GroupFields = []Field{
	FieldID, FieldDN, FieldName, FieldGIDNumber, FieldDescription, FieldExternalID, FieldSystem,
	FieldCreated, FieldModified,
}

// Op is a comparison of the filter language.
type Op string

// Comparisons. String comparisons ignore case, as LDAP's caseIgnoreMatch
// and caseIgnoreOrderingMatch do.
//
// The language has no strict "greater" or "less" on purpose: LDAP has only
// >= and <=, so a dialect that needs them composes them, e.g. SCIM's
// "gt v" is And{AtLeast(f, v), Not{Eq(f, v)}} and "lt v" is
// And{AtMost(f, v), Not{Eq(f, v)}}.
const (
	OpEq         Op = "eq"         // equal to Values[0]
	OpContains   Op = "contains"   // contains Values[0]
	OpStartsWith Op = "startsWith" // starts with Values[0]
	OpEndsWith   Op = "endsWith"   // ends with Values[0] (strings)
	OpPresent    Op = "present"    // has a value (no Values)
	OpIn         Op = "in"         // equal to one of Values
	OpBefore     Op = "before"     // a time before Values[0] (RFC 3339)
	OpAfter      Op = "after"      // a time after Values[0] (RFC 3339)
	// OpAtLeast and OpAtMost order strings (caseIgnoreOrderingMatch),
	// numbers and times (RFC 3339, as Before and After); only on fields
	// that are Orderable.
	OpAtLeast Op = "atLeast" // >= Values[0]
	OpAtMost  Op = "atMost"  // <= Values[0]
)

// Filter is a node of the filter language: a Cond, an And, an Or or a Not.
// The language is small on purpose: every node has a direct LDAP
// equivalent, so LDAP backends evaluate it on the server.
type Filter interface{ isFilter() }

// Cond compares one field.
type Cond struct {
	Field  Field
	Op     Op
	Values []string
}

// And matches when every filter matches; an empty And matches everything.
type And []Filter

// Or matches when any filter matches; an empty Or matches nothing.
type Or []Filter

// Not matches when its filter does not.
type Not struct{ Filter Filter }

func (Cond) isFilter() {}
func (And) isFilter()  {}
func (Or) isFilter()   {}
func (Not) isFilter()  {}

// Eq matches a field equal to v.
func Eq(f Field, v string) Cond { return Cond{Field: f, Op: OpEq, Values: []string{v}} }

// Contains matches a field containing v.
func Contains(f Field, v string) Cond { return Cond{Field: f, Op: OpContains, Values: []string{v}} }

// StartsWith matches a field starting with v.
func StartsWith(f Field, v string) Cond {
	return Cond{Field: f, Op: OpStartsWith, Values: []string{v}}
}

// EndsWith matches a field ending with v.
func EndsWith(f Field, v string) Cond { return Cond{Field: f, Op: OpEndsWith, Values: []string{v}} }

// AtLeast matches a field greater than or equal to v: a string in
// case-insensitive order, a number, or a time (RFC 3339).
func AtLeast(f Field, v string) Cond { return Cond{Field: f, Op: OpAtLeast, Values: []string{v}} }

// AtMost matches a field less than or equal to v, as AtLeast compares.
func AtMost(f Field, v string) Cond { return Cond{Field: f, Op: OpAtMost, Values: []string{v}} }

// Present matches a field that has a value.
func Present(f Field) Cond { return Cond{Field: f, Op: OpPresent} }

// In matches a field equal to one of vs.
func In(f Field, vs ...string) Cond { return Cond{Field: f, Op: OpIn, Values: vs} }

// Before matches a time field before t.
func Before(f Field, t time.Time) Cond {
	return Cond{Field: f, Op: OpBefore, Values: []string{t.UTC().Format(time.RFC3339Nano)}}
}

// After matches a time field after t.
func After(f Field, t time.Time) Cond {
	return Cond{Field: f, Op: OpAfter, Values: []string{t.UTC().Format(time.RFC3339Nano)}}
}

// BoolEq matches a boolean field equal to b.
func BoolEq(f Field, b bool) Cond { return Eq(f, fmt.Sprint(b)) }

// Validate checks a filter against the fields allowed for a search and the
// value each comparison needs. It returns an error wrapping ErrInvalidInput
// that names the first problem.
func Validate(f Filter, allowed []Field) error {
	switch n := f.(type) {
	case nil:
		return nil
	case Cond:
		return n.validate(allowed)
	case And:
		for _, c := range n {
			if err := Validate(c, allowed); err != nil {
				return err
			}
		}
	case Or:
		for _, c := range n {
			if err := Validate(c, allowed); err != nil {
				return err
			}
		}
	case Not:
		return Validate(n.Filter, allowed)
	default:
		return fmt.Errorf("%w: unknown filter node %T", ErrInvalidInput, f)
	}
	return nil
}

func (c Cond) validate(allowed []Field) error {
	known := false
	if _, ok := c.Field.Attribute(); ok {
		known = true
	}
	for _, a := range allowed {
		if a == c.Field {
			known = true
			break
		}
	}
	if !known {
		return fmt.Errorf("%w: unknown field %q", ErrInvalidInput, c.Field)
	}
	kind := FieldKind(c.Field)
	switch c.Op {
	case OpPresent:
		if len(c.Values) != 0 {
			return fmt.Errorf("%w: %s %s takes no value", ErrInvalidInput, c.Field, c.Op)
		}
		return nil
	case OpEq, OpContains, OpStartsWith, OpEndsWith, OpBefore, OpAfter, OpAtLeast, OpAtMost:
		if len(c.Values) != 1 {
			return fmt.Errorf("%w: %s %s takes one value", ErrInvalidInput, c.Field, c.Op)
		}
	case OpIn:
		if len(c.Values) == 0 {
			return fmt.Errorf("%w: %s %s needs at least one value", ErrInvalidInput, c.Field, c.Op)
		}
	default:
		return fmt.Errorf("%w: unknown operator %q", ErrInvalidInput, c.Op)
	}
	if !opFitsKind(c.Op, kind) {
		return fmt.Errorf("%w: %s cannot be used on %s", ErrInvalidInput, c.Op, c.Field)
	}
	if c.Op == OpAtLeast || c.Op == OpAtMost {
		if !Orderable(c.Field) {
			return fmt.Errorf("%w: %s has no ordering: %s cannot be used on it", ErrInvalidInput, c.Field, c.Op)
		}
		// LDAP servers compare such a value cut at the NUL, which would
		// move the bound: refused alike on every backend.
		if strings.IndexByte(c.Values[0], 0) >= 0 {
			return fmt.Errorf("%w: %s %s: a bound holding NUL", ErrInvalidInput, c.Field, c.Op)
		}
	}
	for _, v := range c.Values {
		if err := checkValue(kind, v); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrInvalidInput, c.Field, err)
		}
	}
	return nil
}

// opFitsKind: text fields take eq, contains, startsWith, endsWith and in;
// numbers and booleans take eq and in; times take before and after;
// everything but booleans takes atLeast and atMost. Every kind takes
// present.
func opFitsKind(op Op, kind Kind) bool {
	switch op {
	case OpContains, OpStartsWith, OpEndsWith:
		return kind == KindString
	case OpEq, OpIn:
		return kind != KindTime
	case OpBefore, OpAfter:
		return kind == KindTime
	case OpAtLeast, OpAtMost:
		return kind != KindBool
	default:
		return true
	}
}

// Orderable reports whether AtLeast and AtMost may be used on a field:
// numbers and times, and the text fields that every backend can order on
// the server. In OpenLDAP's standard schema uid, cn, sn, givenName,
// displayName, mail, title, description, telephoneNumber and mobile have
// no ORDERING rule, so (uid>=m) is Undefined there and matches nothing,
// not even negated; those fields are refused on every backend alike.
// dirgate's own dirgateExternalId and dirgatePrincipalName have one
// (caseIgnoreOrderingMatch). An extra attribute (AttributeField) orders
// where the backend's schema says it does; the backend refuses it
// otherwise.
func Orderable(f Field) bool {
	if _, ok := f.Attribute(); ok {
		return true
	}
	switch FieldKind(f) {
	case KindNumber, KindTime:
		return true
	case KindBool:
		return false
	}
	return f == FieldExternalID || f == FieldUserPrincipalName
}

func checkValue(kind Kind, v string) error {
	switch kind {
	case KindNumber:
		if _, err := ParseNumber(v); err != nil {
			return err
		}
	case KindBool:
		if v != "true" && v != "false" {
			return fmt.Errorf("%q is not true or false", v)
		}
	case KindTime:
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return fmt.Errorf("%q is not an RFC 3339 date-time", v)
		}
	}
	return nil
}

// SortKey orders search results by one field.
type SortKey struct {
	Field      Field
	Descending bool
}

// Scope says how deep below Base a search looks.
type Scope int

// Search scopes.
const (
	ScopeSubtree  Scope = iota // Base and everything below it
	ScopeOneLevel              // Base's direct children only
)

// Query is a search: where, what, in which order, which slice.
type Query struct {
	// Base restricts the search to a subtree (or, with ScopeOneLevel, to the
	// children of one entry); empty means the backend's whole base.
	Base   string
	Scope  Scope
	Filter Filter
	Sort   []SortKey
	// Offset skips that many results; Limit caps the page (0 = no cap).
	Offset int
	Limit  int
}

// Page is one slice of search results and the number of all results.
type Page[T any] struct {
	Items []T
	Total int
}
