package directory

import "time"

// Group is a set of users and groups. Groups nest; a cycle is allowed by the
// model and never makes a traversal loop.
type Group struct {
	ID          string
	DN          string
	Name        string
	GIDNumber   int64
	Description string
	ExternalID  string
	System      bool
	Created     time.Time
	Modified    time.Time
}

// NewGroup is what CreateGroup needs.
type NewGroup struct {
	ParentDN    string
	Name        string
	GIDNumber   int64
	Description string
	ExternalID  string
	System      bool
	// Members are added at creation, in one change with the group itself.
	Members []PrincipalRef
}

// GroupPatch changes some fields of a group; see UserPatch for the meaning
// of nil and "". The name is changed by RenameGroup.
type GroupPatch struct {
	GIDNumber   *int64
	Description *string
	ExternalID  *string
	System      *bool
}

// IsEmpty reports whether the patch changes nothing.
func (p GroupPatch) IsEmpty() bool {
	return p.GIDNumber == nil && p.Description == nil && p.ExternalID == nil && p.System == nil
}

// Principal is a user or a group seen as a member or a holder of
// memberships.
type Principal struct {
	Type        PrincipalType
	ID          string
	DN          string
	Name        string // username or group name
	DisplayName string // display name of a user; the name of a group
	System      bool
}

// Member is a principal in a group's member list.
type Member struct {
	Principal
	// Direct: the principal is listed in the group itself; otherwise it is
	// a member through a nested group.
	Direct bool
}

// Membership is a group a principal belongs to.
type Membership struct {
	Group Group
	// Direct: the principal is listed in this group itself; otherwise it
	// belongs through a nested group.
	Direct bool
}
