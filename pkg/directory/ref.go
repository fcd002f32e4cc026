package directory

import (
	"fmt"
	"strconv"
)

// RefKind says which key a Ref looks an entry up by.
type RefKind int

// The keys an entry can be found by.
const (
	RefID     RefKind = iota + 1 // the stable opaque id (UUID string)
	RefDN                        // the distinguished name (RFC 4514, compared by meaning)
	RefName                      // the username of a user, the name of a group or OU
	RefNumber                    // the uidNumber of a user, the gidNumber of a group
)

func (k RefKind) String() string {
	switch k {
	case RefID:
		return "id"
	case RefDN:
		return "dn"
	case RefName:
		return "name"
	case RefNumber:
		return "number"
	default:
		return "RefKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Ref names one entry by one of its keys. Build it with ByID, ByDN, ByName or
// ByNumber.
type Ref struct {
	Kind   RefKind
	Value  string // id, DN or name
	Number int64  // uidNumber or gidNumber, for RefNumber
}

// ByID refers to an entry by its stable id.
func ByID(id string) Ref { return Ref{Kind: RefID, Value: id} }

// ByDN refers to an entry by its distinguished name.
func ByDN(dn string) Ref { return Ref{Kind: RefDN, Value: dn} }

// ByName refers to a user by username, a group or OU by name.
func ByName(name string) Ref { return Ref{Kind: RefName, Value: name} }

// ByNumber refers to a user by uidNumber or a group by gidNumber.
func ByNumber(n int64) Ref { return Ref{Kind: RefNumber, Number: n} }

// Valid reports whether the Ref names something.
func (r Ref) Valid() bool {
	switch r.Kind {
	case RefID, RefDN, RefName:
		return r.Value != ""
	case RefNumber:
		return r.Number > 0
	default:
		return false
	}
}

// String renders the Ref for error messages and logs.
func (r Ref) String() string {
	if r.Kind == RefNumber {
		return "number " + strconv.FormatInt(r.Number, 10)
	}
	return fmt.Sprintf("%s %q", r.Kind, r.Value)
}

// PrincipalType says whether a principal is a user or a group.
type PrincipalType string

// The principal types.
const (
	PrincipalUser  PrincipalType = "user"
	PrincipalGroup PrincipalType = "group"
)

// PrincipalRef names a user or a group, e.g. a group member.
type PrincipalRef struct {
	Type PrincipalType
	Ref  Ref
}

// UserRef names a user as a principal.
func UserRef(r Ref) PrincipalRef { return PrincipalRef{Type: PrincipalUser, Ref: r} }

// GroupRef names a group as a principal.
func GroupRef(r Ref) PrincipalRef { return PrincipalRef{Type: PrincipalGroup, Ref: r} }
