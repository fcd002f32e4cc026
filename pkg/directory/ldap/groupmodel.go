package ldap

import (
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// groupModel is how groups hold their members: the second choice besides
// the profile.
type groupModel interface {
	name() string
	// nested: groups may contain groups.
	nested() bool
	// classes are the object classes of a new group; gid says whether it
	// carries a gidNumber.
	classes(gid bool) []string
	// selectors are the classes that make an entry a group (any of them).
	selectors() []string
	// switchesClass: adding or removing a gidNumber would change the
	// structural class, which LDAP cannot do in place.
	switchesClass() bool
	// memberAttr is the model attribute key holding members.
	memberAttr() string
	// byDN: members are stored as DNs (else as usernames).
	byDN() bool
	// placeholder is the value a group without members holds, when the
	// schema requires at least one ("" for groupOfNames' empty DN).
	placeholder() (string, bool)
}

// groupModels maps the configuration's `groupModel` to a model.
var groupModels = map[string]groupModel{
	"groupOfNames": groupOfNames{},
	"posixGroup":   posixGroups{},
}

// groupOfNames: groupOfNames with member DNs, nesting, and a gidNumber
// through the auxiliary posixGroup of rfc2307bis. An empty group holds the
// empty DN as its one member value (groupOfNames requires one), which
// dirgate never shows.
type groupOfNames struct{}

func (groupOfNames) name() string        { return "groupOfNames" }
func (groupOfNames) nested() bool        { return true }
func (groupOfNames) switchesClass() bool { return false }
func (groupOfNames) selectors() []string { return []string{"groupOfNames"} }
func (groupOfNames) classes(gid bool) []string {
	if gid {
		return []string{"top", "groupOfNames", "posixGroup", "dirgateObject"}
	}
	return []string{"top", "groupOfNames", "dirgateObject"}
}
func (groupOfNames) memberAttr() string          { return attrMember }
func (groupOfNames) byDN() bool                  { return true }
func (groupOfNames) placeholder() (string, bool) { return "", true }

// posixGroups: the stock nis schema's STRUCTURAL posixGroup with memberUid
// (usernames), Artica's layout. No nesting. posixGroup requires a
// gidNumber, so a group without one is a dirgateGroup (dirgate's schema),
// which holds memberUid the same way.
type posixGroups struct{}

func (posixGroups) name() string        { return "posixGroup" }
func (posixGroups) nested() bool        { return false }
func (posixGroups) switchesClass() bool { return true }
func (posixGroups) selectors() []string { return []string{"posixGroup", "dirgateGroup"} }
func (posixGroups) classes(gid bool) []string {
	if gid {
		return []string{"top", "posixGroup", "dirgateObject"}
	}
	return []string{"top", "dirgateGroup", "dirgateObject"}
}
func (posixGroups) memberAttr() string          { return attrMemberUID }
func (posixGroups) byDN() bool                  { return false }
func (posixGroups) placeholder() (string, bool) { return "", false }

func errNoNesting(model string) error {
	return fmt.Errorf("%w: the %s group model has no nested groups", directory.ErrNotSupported, model)
}
