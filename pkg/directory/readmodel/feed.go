package readmodel

import (
	"context"
	"errors"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A Feed is a backend's change stream: it fills a Sink with the entries
// under the base and keeps it coherent until its context ends or the
// stream breaks. The LDAP backend's is syncrepl (pkg/directory/ldap,
// syncfeed.go).
type Feed interface {
	// Run streams into sink, resuming after cookie when it is not empty
	// (the last one the sink was given) and loading everything afresh
	// otherwise, or when the server no longer knows the cookie (then it
	// calls sink.Reset first). It returns when ctx ends (nil) or the
	// stream breaks (an error); the caller runs it again.
	Run(ctx context.Context, cookie string, sink Sink) error
	// Position returns the server's position now: a change acknowledged
	// before the call is in the stream at or before it. It is how a write
	// waits for its own effect (read-your-writes) and how freshness is
	// proved (lag).
	Position(ctx context.Context) (Position, error)
	// Shape says what the model may answer for this backend.
	Shape() Shape
}

// Shape describes the backend the feed reads, as far as the model's
// answers depend on it.
type Shape struct {
	// MembersByDN: groups hold their members' DNs (groupOfNames), so the
	// model answers Members and MemberOf; otherwise (memberUid) they go to
	// the directory.
	MembersByDN bool
	// Nested: groups may hold groups.
	Nested bool
	// ServerOrderedIndirect: the backend lists a group's indirect members
	// in an order of the server's own making (AD's in-chain matching
	// rule), which the model cannot reproduce: those go to the directory.
	ServerOrderedIndirect bool
	// Matching gives the matching rule of each searchable field; a field
	// it does not name is not evaluated by the model (the query goes to the
	// directory).
	Matching map[directory.Field]Matching
	// Tree: the feed streams every entry under the base (of any kind,
	// KindOther for what the backend does not manage), and OU entries
	// with every value of their name attribute (Values[FieldName]),
	// which the server matches caseIgnore. The model then answers the OU
	// reads (GetOU, ListOUs, Children, Resolve); otherwise they go to the
	// directory.
	Tree bool
	// LinkedMembers: when a member moves, the server keeps its value in
	// the group where it was (AD's linked attributes). Otherwise the old
	// value is deleted and the new one added last, as refint and the LDAP
	// backend's own update do on OpenLDAP.
	LinkedMembers bool
}

// Matching is how the server compares values of one field.
type Matching int

// Matching rules the model reproduces.
const (
	// MatchCaseIgnore: caseIgnoreMatch, caseIgnoreIA5Match and their
	// substring rules: case folded, and (RFC 4518) spaces at the ends
	// dropped and runs of inner spaces counted as one.
	MatchCaseIgnore Matching = iota + 1
	// MatchCaseExact: caseExactMatch and caseExactSubstringsMatch: spaces
	// as above, case kept.
	MatchCaseExact
	// MatchEqualityExact: caseExactIA5Match with no substring rule (e.g.
	// homeDirectory): equality as MatchCaseExact; a substring assertion is
	// Undefined on the server, which the model leaves to it.
	MatchEqualityExact
	// MatchNumber: integerMatch.
	MatchNumber
	// MatchBool: booleanMatch on a value absent when false.
	MatchBool
	// MatchTime: generalizedTimeMatch and its ordering.
	MatchTime
	// MatchID: UUIDMatch on the id.
	MatchID
	// MatchDN: distinguishedNameMatch.
	MatchDN
)

// Sink receives a feed's stream. Calls come from one goroutine.
type Sink interface {
	// Reset forgets everything: a full load follows.
	Reset()
	// Put adds or replaces an entry (found by its ID).
	Put(e Entry)
	// Remove drops the entry with that ID; an unknown ID is no error.
	Remove(id string)
	// RemoveAbsent drops every entry whose ID is not in present: the end
	// of a refresh that listed the entries still there (RFC 4533 present
	// phase).
	RemoveAbsent(present map[string]bool)
	// Synced marks a point of the stream: every change up to position is
	// in the sink, and cookie resumes after it. refreshed is true once the
	// initial load is complete.
	Synced(cookie string, position Position, refreshed bool)
}

// Kind is the kind of an entry of the model.
type Kind int

// Kinds of entries.
const (
	KindUser Kind = iota + 1
	KindGroup
	KindOU
	// KindOther is an entry the model keeps only so that a later change to
	// it is understood (e.g. a container).
	KindOther
)

// Entry is one entry of the stream, already mapped to the domain model by
// the backend (so the model answers exactly what the backend's own reads
// would).
type Entry struct {
	Kind  Kind
	ID    string
	DN    string
	User  *directory.User
	Group *directory.Group
	OU    *directory.OU
	// Members are a group's member values in the server's order (DNs where
	// Shape.MembersByDN).
	Members []string
	// Values are the stored values of the searchable fields (those of
	// Shape.Matching), as the server compares and sorts them: the mapped
	// User or Group may show a value otherwise (a surname equal to the
	// username reads as none, for one), and a search must see what the
	// server sees.
	Values map[directory.Field][]string

	// Set by the store: the comparison keys of DN and parent DN, Values
	// by field slot (fields.go; Values is then dropped), and User in its
	// narrower form (userform.go; User is then dropped: read it with
	// Entry.user).
	dnKey, parentKey string
	fields           fieldValues
	form             userForm
}

// ErrNoChangeStream: the server offers no change stream (e.g. OpenLDAP
// without the syncprov overlay). The read model stays off.
var ErrNoChangeStream = errors.New("readmodel: the directory offers no change stream")
