package ldap

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// CreateGroup adds a group with its initial members in one add.
func (d *Directory) CreateGroup(ctx context.Context, ng directory.NewGroup) (*directory.Group, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if err := d.checkContainer(ctx, ng.ParentDN); err != nil {
		return nil, err
	}
	if strings.TrimSpace(ng.Name) == "" {
		return nil, invalid("the group name is empty")
	}
	if err := d.checkName(kindGroup, ng.Name); err != nil {
		return nil, err
	}
	if ng.GIDNumber < 0 {
		return nil, invalid("gidNumber must not be negative")
	}
	dn := d.childDN(d.groupRDNAttr(), ng.Name, ng.ParentDN)
	var members []string
	for _, m := range ng.Members {
		v, err := d.memberValue(ctx, m, dn)
		if err != nil {
			return nil, err
		}
		members = append(members, v)
	}
	if len(members) == 0 {
		if ph, ok := d.model.placeholder(); ok {
			members = []string{ph}
		}
	}
	s := &attrSetter{d: d}
	s.set(attrGroupName, ng.Name)
	s.setNumber(attrGIDNumber, ng.GIDNumber)
	s.set(attrDesc, ng.Description)
	s.set(attrExtID, ng.ExternalID)
	s.setBool(attrSystem, ng.System)
	if s.err != nil {
		return nil, s.err
	}
	if err := d.nameTaken(ctx, d.groupSpec(), ng.Name, ""); err != nil {
		return nil, err
	}
	if err := d.numberTaken(ctx, d.groupSpec(), ng.GIDNumber, ""); err != nil {
		return nil, err
	}
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", d.newGroupClasses(ng.GIDNumber > 0))
	for _, a := range s.attrs {
		req.Attribute(a.Type, a.Vals)
	}
	d.addProfileAttrs(req, kindGroup, ng.Name)
	if len(members) > 0 {
		// The empty DN is a value of its own: Attribute must keep it.
		req.Attributes = append(req.Attributes, ldap.Attribute{Type: d.attrs.get(d.model.memberAttr()), Vals: members})
	}
	if err := d.add(ctx, req); err != nil {
		return nil, d.addError(err, "group", ng.Name, dn)
	}
	g, err := d.GetGroup(ctx, directory.ByDN(dn))
	if err != nil {
		return nil, missingAfterAdd(err, dn)
	}
	return g, nil
}

// GetGroup reads one group.
func (d *Directory) GetGroup(ctx context.Context, ref directory.Ref) (*directory.Group, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.groupSpec(), ref, d.groupAttrs)
	if err != nil {
		return nil, err
	}
	g := d.toGroup(e)
	return &g, nil
}

// UpdateGroup applies a patch in one modify. Setting a gidNumber on a
// groupOfNames without one adds the auxiliary posixGroup class; clearing
// it removes the class.
func (d *Directory) UpdateGroup(ctx context.Context, ref directory.Ref, p directory.GroupPatch) (*directory.Group, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.groupSpec(), ref, d.groupAttrs)
	if err != nil {
		return nil, err
	}
	c := &changeSet{d: d}
	c.str(attrDesc, p.Description)
	c.str(attrExtID, p.ExternalID)
	c.boolean(attrSystem, p.System)
	if p.GIDNumber != nil {
		if err := d.gidChanges(ctx, c, e, *p.GIDNumber); err != nil {
			return nil, err
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	if len(c.changes) > 0 {
		if err := d.modify(ctx, e.DN, c.changes); err != nil {
			return nil, wrap(err, "updating "+e.DN)
		}
		if e, err = d.readEntry(ctx, e.DN, d.groupSel, d.groupAttrs); err != nil {
			return nil, err
		}
	}
	g := d.toGroup(e)
	return &g, nil
}

// gidChanges sets or clears a group's gidNumber. On a groupOfNames the
// auxiliary posixGroup class comes and goes with it; in the posixGroup
// model the structural class would have to change, which LDAP cannot do
// in place.
func (d *Directory) gidChanges(ctx context.Context, c *changeSet, e *ldap.Entry, gid int64) error {
	if gid < 0 {
		return invalid("gidNumber must not be negative")
	}
	if err := d.numberTaken(ctx, d.groupSpec(), gid, e.DN); err != nil {
		return err
	}
	had := d.numVal(e, attrGIDNumber) > 0
	if had != (gid > 0) && d.prof.classes.group == nil {
		if d.model.switchesClass() {
			return fmt.Errorf("%w: in the %s model a group cannot gain or lose its gidNumber (its object class would change); recreate it",
				directory.ErrNotSupported, d.model.name())
		}
		op := ldap.AddAttribute
		if gid == 0 {
			op = ldap.DeleteAttribute
		}
		if (gid > 0) != hasClass(e, "posixGroup") {
			c.changes = append(c.changes, ldap.Change{Operation: uint(op),
				Modification: ldap.PartialAttribute{Type: "objectClass", Vals: []string{"posixGroup"}}})
		}
	}
	c.number(attrGIDNumber, gid)
	return nil
}

// RenameGroup changes a group's name (its RDN) and every reference to it
// as a nested member.
func (d *Directory) RenameGroup(ctx context.Context, ref directory.Ref, newName string) (*directory.Group, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if strings.TrimSpace(newName) == "" {
		return nil, invalid("the new group name is empty")
	}
	if err := d.checkName(kindGroup, newName); err != nil {
		return nil, err
	}
	e, err := d.find(ctx, d.groupSpec(), ref, d.groupAttrs)
	if err != nil {
		return nil, err
	}
	if d.val(e, attrGroupName) == newName {
		g := d.toGroup(e)
		return &g, nil
	}
	if err := d.nameTaken(ctx, d.groupSpec(), newName, e.DN); err != nil {
		return nil, err
	}
	nameAttr := d.attrs.get(attrGroupName)
	newDN, err := d.renameEntry(ctx, e.DN, d.groupRDNAttr(), newName)
	if err != nil {
		return nil, err
	}
	// The name is not the RDN (AD: sAMAccountName besides cn): write it.
	if !isRDNAttr(newDN, nameAttr) {
		if err := d.modify(ctx, newDN, []ldap.Change{replace(nameAttr, newName)}); err != nil {
			return nil, wrap(err, "renaming "+newDN)
		}
	}
	if newDN != e.DN && d.model.byDN() {
		if err := d.renameMemberRefs(ctx, e.DN, newDN, "", ""); err != nil {
			return nil, err
		}
	}
	return d.GetGroup(ctx, directory.ByDN(newDN))
}

// DeleteGroup removes a group and its memberships in other groups.
func (d *Directory) DeleteGroup(ctx context.Context, ref directory.Ref) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.groupSpec(), ref, []string{"1.1"})
	if err != nil {
		return err
	}
	return d.deletePrincipal(ctx, e.DN, "")
}
