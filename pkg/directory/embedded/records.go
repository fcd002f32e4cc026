package embedded

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Records are what the store keeps, one JSON document per entry in its
// bucket. They are immutable once in the state: a change puts a new copy,
// so a reader holding one never sees it change.

// baseRec is the domain's root entry.
type baseRec struct {
	ID       string    `json:"id"`
	DN       string    `json:"dn"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// ouRec is an organizational unit.
type ouRec struct {
	ID          string    `json:"id"`
	DN          string    `json:"dn"`
	Parent      string    `json:"parent"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Street      string    `json:"street,omitempty"`
	City        string    `json:"city,omitempty"`
	State       string    `json:"state,omitempty"`
	PostalCode  string    `json:"postalCode,omitempty"`
	Country     string    `json:"country,omitempty"`
	Protected   bool      `json:"protected,omitempty"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
}

// userRec is a user with its credentials and account state.
type userRec struct {
	ID                string              `json:"id"`
	DN                string              `json:"dn"`
	Parent            string              `json:"parent"`
	Username          string              `json:"username"`
	UIDNumber         int64               `json:"uidNumber,omitempty"`
	GIDNumber         int64               `json:"gidNumber,omitempty"`
	GivenName         string              `json:"givenName,omitempty"`
	Surname           string              `json:"surname,omitempty"`
	DisplayName       string              `json:"displayName,omitempty"`
	Mail              string              `json:"mail,omitempty"`
	Telephone         string              `json:"telephone,omitempty"`
	Mobile            []string            `json:"mobile,omitempty"`
	Title             string              `json:"title,omitempty"`
	Description       string              `json:"description,omitempty"`
	UserPrincipalName string              `json:"userPrincipalName,omitempty"`
	HomeDirectory     string              `json:"homeDirectory,omitempty"`
	ExternalID        string              `json:"externalId,omitempty"`
	Disabled          bool                `json:"disabled,omitempty"`
	MustChange        bool                `json:"mustChange,omitempty"`
	InvitationPending bool                `json:"invitationPending,omitempty"`
	InvitationExpiry  time.Time           `json:"invitationExpiry,omitzero"`
	System            bool                `json:"system,omitempty"`
	Attributes        map[string][]string `json:"attributes,omitempty"`
	Created           time.Time           `json:"created"`
	Modified          time.Time           `json:"modified"`

	// Password is the userPassword value: an {ARGON2} hash, or whatever
	// scheme an import brought.
	Password string `json:"password,omitempty"`
	// Failures are the failed logons since the last good one.
	Failures []time.Time `json:"failures,omitempty"`
	// LockedAt is when the account was locked; zero when it is not.
	LockedAt   time.Time            `json:"lockedAt,omitzero"`
	LockReason directory.LockReason `json:"lockReason,omitempty"`

	// key is the folded username: the index key and the default order.
	key string
}

// groupRec is a group; members are ids of users and groups.
type groupRec struct {
	ID          string    `json:"id"`
	DN          string    `json:"dn"`
	Parent      string    `json:"parent"`
	Name        string    `json:"name"`
	GIDNumber   int64     `json:"gidNumber,omitempty"`
	Description string    `json:"description,omitempty"`
	ExternalID  string    `json:"externalId,omitempty"`
	System      bool      `json:"system,omitempty"`
	Members     []string  `json:"members,omitempty"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`

	key string
}

// fold is the case-insensitive form of a name or value, as LDAP's
// caseIgnoreMatch compares them; it matches directory.NormalizeDN.
func fold(s string) string { return strings.ToLower(s) }

// clone returns a copy a change may modify.
func (u *userRec) clone() *userRec {
	c := *u
	c.Mobile = slices.Clone(u.Mobile)
	c.Failures = slices.Clone(u.Failures)
	c.Attributes = cloneAttrs(u.Attributes)
	return &c
}

func (g *groupRec) clone() *groupRec {
	c := *g
	c.Members = slices.Clone(g.Members)
	return &c
}

func (o *ouRec) clone() *ouRec {
	c := *o
	return &c
}

func cloneAttrs(m map[string][]string) map[string][]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}

// lockState is the lock as the model shows it at now: a lock for failures
// ends by itself after duration (0: when an administrator unlocks).
func (u *userRec) lockState(now time.Time, duration time.Duration) directory.LockState {
	if u.LockedAt.IsZero() {
		return directory.LockState{}
	}
	ls := directory.LockState{Locked: true, Reason: u.LockReason, Since: u.LockedAt}
	if u.LockReason == directory.LockTooManyFailures && duration > 0 {
		ls.Until = u.LockedAt.Add(duration)
		if !now.Before(ls.Until) {
			return directory.LockState{}
		}
	}
	return ls
}

// model converts a record to the model, copying what callers could modify.
func (u *userRec) model(now time.Time, lockFor time.Duration) directory.User {
	return directory.User{
		ID: u.ID, DN: u.DN, Username: u.Username, UIDNumber: u.UIDNumber, GIDNumber: u.GIDNumber,
		GivenName: u.GivenName, Surname: u.Surname, DisplayName: u.DisplayName, Mail: u.Mail,
		Telephone: u.Telephone, Mobile: slices.Clone(u.Mobile), Title: u.Title, Description: u.Description,
		UserPrincipalName: u.UserPrincipalName, HomeDirectory: u.HomeDirectory, ExternalID: u.ExternalID,
		Enabled: !u.Disabled, Lock: u.lockState(now, lockFor), MustChangePassword: u.MustChange,
		InvitationPending: u.InvitationPending, InvitationExpiry: u.InvitationExpiry, System: u.System,
		Created: u.Created, Modified: u.Modified, Attributes: cloneAttrs(u.Attributes),
	}
}

func (g *groupRec) model() directory.Group {
	return directory.Group{
		ID: g.ID, DN: g.DN, Name: g.Name, GIDNumber: g.GIDNumber, Description: g.Description,
		ExternalID: g.ExternalID, System: g.System, Created: g.Created, Modified: g.Modified,
	}
}

func (o *ouRec) model() directory.OU {
	return directory.OU{
		ID: o.ID, DN: o.DN, Name: o.Name, Description: o.Description, Street: o.Street, City: o.City,
		State: o.State, PostalCode: o.PostalCode, Country: o.Country, Protected: o.Protected,
		Created: o.Created, Modified: o.Modified,
	}
}

// sortedAttrNames lists attribute names in a stable order.
func sortedAttrNames(m map[string][]string) []string { return slices.Sorted(maps.Keys(m)) }
