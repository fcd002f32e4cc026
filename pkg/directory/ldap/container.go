package ldap

import (
	"context"
	"slices"
	"strings"
)

// checkContainer checks where a new or moved entry is to live: a DN inside
// the base naming an OU, the base or another container — never a user or
// a group, which an LDAP server would accept as a parent (a client giving
// a user's DN where an OU belongs would otherwise file entries under it).
func (d *Directory) checkContainer(ctx context.Context, parent string) error {
	if err := d.checkParent(parent); err != nil {
		return err
	}
	e, err := d.readEntry(ctx, parent, "(objectClass=*)", []string{"objectClass"})
	if err != nil {
		if isNotFound(err) {
			return notFound("the container %s does not exist", parent)
		}
		return err
	}
	classes := e.GetEqualFoldAttributeValues("objectClass")
	for _, c := range append([]string{d.userClass}, d.groupClasses...) {
		if slices.ContainsFunc(classes, func(v string) bool { return strings.EqualFold(v, c) }) {
			return invalid("%s is a user or a group, not an OU or container", parent)
		}
	}
	return nil
}
