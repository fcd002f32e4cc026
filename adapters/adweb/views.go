package adweb

import (
	"slices"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// userView is a user as AD Web's answers show it, with Active Directory's
// attribute names whatever the backend (objectGUID is entryUUID on
// OpenLDAP). It has no password field: none ever leaves dirgate.
type userView struct {
	DistinguishedName  string              `json:"distinguishedName"`
	ObjectGUID         string              `json:"objectGUID"`
	SamAccountName     string              `json:"samAccountName"`
	UserPrincipalName  string              `json:"userPrincipalName,omitempty"`
	DisplayName        string              `json:"displayName,omitempty"`
	GivenName          string              `json:"givenName,omitempty"`
	Surname            string              `json:"sn,omitempty"`
	Mail               string              `json:"mail,omitempty"`
	TelephoneNumber    string              `json:"telephoneNumber,omitempty"`
	Mobile             []string            `json:"mobile,omitempty"`
	Title              string              `json:"title,omitempty"`
	Description        string              `json:"description,omitempty"`
	UIDNumber          int64               `json:"uidNumber,omitempty"`
	GIDNumber          int64               `json:"gidNumber,omitempty"`
	Enabled            bool                `json:"enabled"`
	LockedOut          bool                `json:"lockedOut"`
	MustChangePassword bool                `json:"mustChangePassword"`
	WhenCreated        *time.Time          `json:"whenCreated,omitempty"`
	WhenChanged        *time.Time          `json:"whenChanged,omitempty"`
	CustomAttributes   map[string][]string `json:"customAttributes,omitempty"`
}

func viewUser(u *directory.User) userView {
	v := userView{
		DistinguishedName: u.DN, ObjectGUID: u.ID, SamAccountName: u.Username,
		UserPrincipalName: u.UserPrincipalName, DisplayName: u.DisplayName, GivenName: u.GivenName,
		Surname: u.Surname, Mail: u.Mail, TelephoneNumber: u.Telephone, Mobile: u.Mobile,
		Title: u.Title, Description: u.Description, UIDNumber: u.UIDNumber, GIDNumber: u.GIDNumber,
		Enabled: u.Enabled, LockedOut: u.Lock.Locked, MustChangePassword: u.MustChangePassword,
		WhenCreated: timeOrNil(u.Created), WhenChanged: timeOrNil(u.Modified),
	}
	for name, values := range u.Attributes {
		if isSecretAttribute(name) {
			continue
		}
		if v.CustomAttributes == nil {
			v.CustomAttributes = map[string][]string{}
		}
		v.CustomAttributes[name] = values
	}
	return v
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// secretAttributes hold passwords or their hashes. No backend should carry
// them as extra attributes; if one is misconfigured to, they still never
// leave through this API.
var secretAttributes = []string{
	"userpassword", "unicodepwd", "authpassword", "sambantpassword", "sambalmpassword",
	"dbcspwd", "ntpwdhistory", "lmpwdhistory", "supplementalcredentials", "msds-managedpassword",
}

func isSecretAttribute(name string) bool {
	name = strings.ToLower(name)
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	return slices.Contains(secretAttributes, name)
}

// groupView is a group a user belongs to.
type groupView struct {
	DistinguishedName string `json:"distinguishedName"`
	SamAccountName    string `json:"samAccountName"`
	Description       string `json:"description,omitempty"`
	GIDNumber         int64  `json:"gidNumber,omitempty"`
}

func viewGroup(g directory.Group) groupView {
	return groupView{DistinguishedName: g.DN, SamAccountName: g.Name, Description: g.Description, GIDNumber: g.GIDNumber}
}

// memberView is a member of a group.
type memberView struct {
	DistinguishedName string `json:"distinguishedName"`
	SamAccountName    string `json:"samAccountName"`
	DisplayName       string `json:"displayName,omitempty"`
	ObjectClass       string `json:"objectClass"`
}

func viewMember(m directory.Member) memberView {
	return memberView{DistinguishedName: m.DN, SamAccountName: m.Name, DisplayName: m.DisplayName,
		ObjectClass: objectClass(directory.EntryType(m.Type))}
}

// entryView is a child of an OU, or an entry found by name.
type entryView struct {
	DistinguishedName string `json:"distinguishedName"`
	Name              string `json:"name"`
	ObjectClass       string `json:"objectClass"`
}

func viewEntry(e directory.Entry) entryView {
	return entryView{DistinguishedName: e.DN, Name: e.Name, ObjectClass: objectClass(e.Type)}
}

// objectClass names an entry's type as Active Directory does.
func objectClass(t directory.EntryType) string {
	switch t {
	case directory.EntryUser:
		return "user"
	case directory.EntryGroup:
		return "group"
	case directory.EntryOU:
		return "organizationalUnit"
	default:
		return "other"
	}
}
