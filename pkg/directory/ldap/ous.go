package ldap

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// CreateOU adds an organizational unit.
func (d *Directory) CreateOU(ctx context.Context, nou directory.NewOU) (*directory.OU, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if err := d.checkContainer(ctx, nou.ParentDN); err != nil {
		return nil, err
	}
	if strings.TrimSpace(nou.Name) == "" {
		return nil, invalid("the OU name is empty")
	}
	dn := d.childDN(d.attrs.get(attrOUName), nou.Name, nou.ParentDN)
	s := &attrSetter{d: d}
	s.set(attrOUName, nou.Name)
	s.set(attrDesc, nou.Description)
	s.set(attrStreet, nou.Street)
	s.set(attrCity, nou.City)
	s.set(attrState, nou.State)
	s.set(attrPostalCode, nou.PostalCode)
	s.set(attrCountry, nou.Country)
	s.setBool(attrProtected, nou.Protected)
	if s.err != nil {
		return nil, s.err
	}
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", d.prof.classes.ou)
	for _, a := range s.attrs {
		req.Attribute(a.Type, a.Vals)
	}
	d.addProfileAttrs(req, kindOU, nou.Name)
	if err := d.add(ctx, req); err != nil {
		return nil, d.addError(err, "OU", nou.Name, dn)
	}
	if nou.Protected && d.prof.ouProtection != nil {
		if err := d.prof.ouProtection.protect(ctx, d, dn); err != nil {
			d.undoAdd(dn)
			return nil, err
		}
	}
	ou, err := d.GetOU(ctx, directory.ByDN(dn))
	if err != nil {
		return nil, missingAfterAdd(err, dn)
	}
	return ou, nil
}

// GetOU reads an OU by id or DN.
func (d *Directory) GetOU(ctx context.Context, ref directory.Ref) (*directory.OU, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.ouSpec(), ref, d.ouAttrs)
	if err != nil {
		return nil, err
	}
	ou := d.toOU(e)
	return &ou, nil
}

// ListOUs lists the OUs below base (not base itself), parents before
// children and siblings by name.
func (d *Directory) ListOUs(ctx context.Context, base string, scope directory.Scope) ([]directory.OU, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if base == "" {
		base = d.base
	}
	if err := d.checkParent(base); err != nil {
		return nil, err
	}
	var out []directory.OU
	req := ldap.NewSearchRequest(base, ldapScope(scope), ldap.NeverDerefAliases, 0, 0, false,
		d.ouSel, d.ouAttrs, nil)
	err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
		if !directory.EqualDN(e.DN, base) {
			out = append(out, d.toOU(e))
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "listing the OUs under "+base)
	}
	slices.SortFunc(out, func(a, b directory.OU) int { return compareDN(a.DN, b.DN) })
	return out, nil
}

// Children lists the direct children of an entry.
func (d *Directory) Children(ctx context.Context, dn string) ([]directory.Entry, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if err := d.checkParent(dn); err != nil {
		return nil, err
	}
	var out []directory.Entry
	req := ldap.NewSearchRequest(dn, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", d.entryAttrs, nil)
	err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
		out = append(out, d.toEntry(e))
		return nil
	})
	if err != nil {
		return nil, wrap(err, "listing the children of "+dn)
	}
	slices.SortFunc(out, func(a, b directory.Entry) int { return compareDN(a.DN, b.DN) })
	return out, nil
}

// DeleteOU removes an OU, and with recursive everything below it. A
// protected OU anywhere in the subtree refuses the whole delete before
// anything is removed. Users and groups inside leave the groups outside
// that hold them.
func (d *Directory) DeleteOU(ctx context.Context, ref directory.Ref, recursive bool) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.ouSpec(), ref, d.ouAttrs)
	if err != nil {
		return err
	}
	if d.ouProtected(e) {
		return fmt.Errorf("%w: %s", directory.ErrProtected, e.DN)
	}
	if recursive && d.prof.quirks.treeDelete {
		return d.deleteTree(ctx, e.DN)
	}
	if !recursive {
		err := d.del(ctx, e.DN)
		if isCode(err, ldap.LDAPResultNotAllowedOnNonLeaf) {
			return wrapAs(directory.ErrNotEmpty, err, "deleting "+e.DN)
		}
		return wrap(err, "deleting "+e.DN)
	}
	// Collect the subtree (DNs and classes only), refusing on protection.
	type node struct {
		dn       string
		kind     directory.EntryType
		username string
	}
	var nodes []node
	protAttr := d.attrs.get(attrProtected)
	attrs := append(slices.Clone(d.entryAttrs), protAttr)
	req := ldap.NewSearchRequest(e.DN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil)
	err = d.searchEach(ctx, req, func(c *ldap.Entry) error {
		kind := d.entryType(c)
		if kind == directory.EntryOU && protAttr != "" && d.boolVal(c, attrProtected) {
			return fmt.Errorf("%w: %s lies inside %s", directory.ErrProtected, c.DN, e.DN)
		}
		nodes = append(nodes, node{c.DN, kind, d.val(c, attrUsername)})
		return nil
	})
	if err != nil {
		return wrap(err, "deleting "+e.DN)
	}
	// Deepest first, so every entry is a leaf when its turn comes.
	slices.SortFunc(nodes, func(a, b node) int { return depth(b.dn) - depth(a.dn) })
	for _, n := range nodes {
		switch n.kind {
		case directory.EntryUser:
			err = d.deletePrincipal(ctx, n.dn, n.username)
		case directory.EntryGroup:
			err = d.deletePrincipal(ctx, n.dn, "")
		default:
			err = d.del(ctx, n.dn)
		}
		if err != nil && !isCode(err, ldap.LDAPResultNoSuchObject) && !isNotFound(err) {
			return wrap(err, "deleting "+n.dn)
		}
	}
	return nil
}

// ouProtected reports whether an OU read with ouAttrs is protected: by
// dirgate's marker, or by the server's own protection.
func (d *Directory) ouProtected(e *ldap.Entry) bool {
	if d.boolVal(e, attrProtected) {
		return true
	}
	return d.prof.ouProtection != nil && d.prof.ouProtection.protected(e)
}

// deleteTree removes an OU and everything below it with one delete and
// the subtree delete control; the server removes the memberships the
// deleted entries held. A tree delete that meets an entry it may not
// delete stops half way (AD's is not atomic), so every OU inside is
// checked for protection first.
func (d *Directory) deleteTree(ctx context.Context, dn string) error {
	req := ldap.NewSearchRequest(dn, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, d.ouSel, d.ouAttrs, nil)
	err := d.searchEach(ctx, req, func(c *ldap.Entry) error {
		if d.ouProtected(c) {
			return fmt.Errorf("%w: %s lies inside %s", directory.ErrProtected, c.DN, dn)
		}
		return nil
	})
	if err != nil {
		return wrap(err, "deleting "+dn)
	}
	err = d.write(ctx, func(c *conn) error {
		return c.Del(ldap.NewDelRequest(d.wireDN(dn), []ldap.Control{ldap.NewControlSubtreeDelete()}))
	})
	return wrap(err, "deleting the tree "+dn)
}

// Resolve finds every user, group and OU called name.
func (d *Directory) Resolve(ctx context.Context, name string) ([]directory.Entry, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if name == "" {
		return nil, invalid("the name is empty")
	}
	v := ldap.EscapeFilter(name)
	filter := fmt.Sprintf("(|(&%s(%s=%s))(&%s(%s=%s))(&%s(%s=%s)))",
		d.userSel, d.attrs.get(attrUsername), v,
		d.groupSel, d.attrs.get(attrGroupName), v,
		d.ouSel, d.attrs.get(attrOUName), v)
	var out []directory.Entry
	req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, d.entryAttrs, nil)
	err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
		out = append(out, d.toEntry(e))
		return nil
	})
	if err != nil {
		return nil, wrap(err, "resolving "+name)
	}
	slices.SortFunc(out, func(a, b directory.Entry) int { return compareDN(a.DN, b.DN) })
	return out, nil
}

func ldapScope(s directory.Scope) int {
	if s == directory.ScopeOneLevel {
		return ldap.ScopeSingleLevel
	}
	return ldap.ScopeWholeSubtree
}

// compareDN is directory.CompareDN: the read model orders ties alike.
func compareDN(a, b string) int { return directory.CompareDN(a, b) }

// depth is the number of RDNs of a DN.
func depth(dn string) int {
	p, err := ldap.ParseDN(dn)
	if err != nil {
		return 0
	}
	return len(p.RDNs)
}
