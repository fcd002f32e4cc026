package ldap

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// defaultShell is the loginShell of new POSIX accounts (ldap-layout.md).
const defaultShell = "/bin/bash"

// CreateUser adds a user, sets its password when one is given, and
// returns it as stored. A failed password set removes the user again, so
// a create either happens whole or not at all.
func (d *Directory) CreateUser(ctx context.Context, nu directory.NewUser) (*directory.User, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if err := d.checkContainer(ctx, nu.ParentDN); err != nil {
		return nil, err
	}
	if strings.TrimSpace(nu.Username) == "" {
		return nil, invalid("the username is empty")
	}
	if err := d.checkName(kindUser, nu.Username); err != nil {
		return nil, err
	}
	req, err := d.userAddRequest(nu)
	if err != nil {
		return nil, err
	}
	// The unique overlay on uid makes a taken username atomic on the
	// server; this check gives the same answer on servers without it.
	if err := d.userTaken(ctx, nu.Username, nu.UIDNumber); err != nil {
		return nil, err
	}
	_, withAdd := d.prof.passwords.(passwordOnAdd)
	if err := d.addUser(ctx, req, nu.Password); err != nil {
		return nil, d.addError(err, "user", nu.Username, req.DN)
	}
	if nu.Password != "" && !withAdd {
		before := ldap.NewEntry(req.DN, attrsOf(req))
		if err := d.setPasswordOn(ctx, before, nu.Password, nu.MustChangePassword); err != nil {
			d.undoAdd(req.DN)
			return nil, missingAfterAdd(err, req.DN)
		}
	}
	e, err := d.readEntry(ctx, req.DN, d.userSel, d.userAttrs)
	if err != nil {
		return nil, missingAfterAdd(err, req.DN)
	}
	u := d.toUser(e)
	return &u, nil
}

// addUser adds a new user's entry. A profile that sets passwords in the
// add itself (AD) gets the password there, on the connection that adds.
func (d *Directory) addUser(ctx context.Context, req *ldap.AddRequest, password string) error {
	pa, ok := d.prof.passwords.(passwordOnAdd)
	if !ok {
		return d.add(ctx, req)
	}
	return d.write(ctx, func(c *conn) error {
		pw, err := pa.onAdd(c, password)
		if err != nil {
			return err
		}
		if pw.Type == "" {
			return c.Add(req) // no password to give
		}
		withPassword := *req
		withPassword.Attributes = append(slices.Clip(req.Attributes), pw)
		return c.Add(&withPassword)
	})
}

// addError maps an add's failure: a constraint violation there is the
// unique overlay refusing a taken name, a missing object the parent.
func (d *Directory) addError(err error, what, name, dn string) error {
	if d.prof.addError != nil {
		if mapped := d.prof.addError(err, what, name); mapped != nil {
			return mapped
		}
	}
	switch {
	case isCode(err, ldap.LDAPResultConstraintViolation, ldap.LDAPResultEntryAlreadyExists):
		return wrapAs(directory.ErrAlreadyExists, err, fmt.Sprintf("adding %s %q", what, name))
	case isCode(err, ldap.LDAPResultNoSuchObject):
		return wrapAs(directory.ErrNotFound, err, fmt.Sprintf("adding %s %q: the parent of %s does not exist", what, name, dn))
	}
	return wrap(err, "adding "+dn)
}

// undoAdd removes an entry a create could not finish, under its own short
// deadline: the caller's may be what ended the create.
func (d *Directory) undoAdd(dn string) {
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.RequestTimeout)
	defer cancel()
	if err := d.del(ctx, dn); err != nil {
		d.log.Error("ldap: could not remove a half-created entry", "dn", dn, "err", err)
	}
}

// attrsOf returns an add request's attributes as an entry's map.
func attrsOf(req *ldap.AddRequest) map[string][]string {
	m := make(map[string][]string, len(req.Attributes))
	for _, a := range req.Attributes {
		m[a.Type] = a.Vals
	}
	return m
}

// attrSetter collects the attributes of a new entry, refusing values for
// model attributes this directory does not store.
type attrSetter struct {
	d     *Directory
	attrs []ldap.Attribute
	err   error
}

func (s *attrSetter) set(key string, vals ...string) {
	vals = slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return v == "" })
	if len(vals) == 0 {
		return
	}
	if err := s.d.storable(key, vals); err != nil {
		if s.err == nil {
			s.err = err
		}
		return
	}
	a := s.d.attrs.get(key)
	if a == "" {
		if s.err == nil {
			s.err = fmt.Errorf("%w: this directory has no attribute for %s", directory.ErrNotSupported, key)
		}
		return
	}
	s.attrs = append(s.attrs, ldap.Attribute{Type: a, Vals: vals})
}

func (s *attrSetter) setBool(key string, b bool) {
	if b {
		s.set(key, "TRUE")
	}
}

func (s *attrSetter) setNumber(key string, n int64) {
	if n > 0 {
		s.set(key, strconv.FormatInt(n, 10))
	}
}

func (s *attrSetter) setTime(key string, t time.Time) {
	if !t.IsZero() {
		s.set(key, s.d.timeValue(t))
	}
}

// userAddRequest builds the entry of a new user (ldap-layout.md): cn is
// the display name else the username, sn the surname else the username
// (both are mandatory in inetOrgPerson); the POSIX classes when the user
// has everything posixAccount requires.
func (d *Directory) userAddRequest(nu directory.NewUser) (*ldap.AddRequest, error) {
	dn := d.childDN(d.userRDNAttr(), nu.Username, nu.ParentDN)
	s := &attrSetter{d: d}
	classes := slices.Clone(d.prof.classes.user)
	s.set(attrUsername, nu.Username)
	switch {
	case d.cnIsUserRDN():
		s.set(attrCommonName, nu.Username)
	case d.prof.quirks.optionalNames:
		s.set(attrCommonName, nu.DisplayName)
	default:
		s.set(attrCommonName, orElse(nu.DisplayName, nu.Username))
	}
	if d.prof.quirks.optionalNames {
		s.set(attrSurname, nu.Surname)
	} else {
		s.set(attrSurname, orElse(nu.Surname, nu.Username))
	}
	s.set(attrGivenName, nu.GivenName)
	s.set(attrDisplayName, nu.DisplayName)
	s.set(attrMail, nu.Mail)
	s.set(attrTelephone, nu.Telephone)
	first, others := d.splitMobile(nu.Mobile)
	s.set(attrMobile, first...)
	if len(others) > 0 {
		s.attrs = append(s.attrs, ldap.Attribute{Type: d.prof.quirks.otherMobile, Vals: others})
	}
	s.set(attrTitle, nu.Title)
	s.set(attrDesc, nu.Description)
	s.set(attrPrincipalName, nu.UserPrincipalName)
	s.set(attrExtID, nu.ExternalID)
	s.setBool(attrSystem, nu.System)
	s.setBool(attrInvitePending, nu.InvitationPending)
	s.setTime(attrInviteExpiry, nu.InvitationExpiry)
	if nu.UIDNumber < 0 || nu.GIDNumber < 0 {
		return nil, invalid("uidNumber and gidNumber must not be negative")
	}
	if isPosix(nu.UIDNumber, nu.GIDNumber, nu.HomeDirectory) {
		classes = append(classes, d.prof.classes.posixUser...)
		s.set(attrLoginShell, defaultShell)
	}
	s.setNumber(attrUIDNumber, nu.UIDNumber)
	s.setNumber(attrGIDNumber, nu.GIDNumber)
	s.set(attrHomeDirectory, nu.HomeDirectory)
	if err := d.setExtras(s, nu.Attributes); err != nil {
		return nil, err
	}
	if s.err != nil {
		return nil, s.err
	}
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", classes)
	for _, a := range s.attrs {
		req.Attribute(a.Type, a.Vals)
	}
	for _, a := range d.prof.account.create(nu) {
		req.Attribute(a.Type, a.Vals)
	}
	d.addProfileAttrs(req, kindUser, nu.Username)
	return req, nil
}

// addProfileAttrs adds what the profile's hook says a new entry needs.
func (d *Directory) addProfileAttrs(req *ldap.AddRequest, kind, name string) {
	if d.prof.addAttrs == nil {
		return
	}
	req.Attributes = append(req.Attributes, d.prof.addAttrs(kind, name)...)
}

// setExtras adds allow-listed extra attributes.
func (d *Directory) setExtras(s *attrSetter, extras map[string][]string) error {
	for _, name := range slices.Sorted(maps.Keys(extras)) {
		canon, ok := d.extraName(name)
		if !ok {
			return invalid("attribute %q is not in this directory's extraAttributes", name)
		}
		vals := slices.DeleteFunc(slices.Clone(extras[name]), func(v string) bool { return v == "" })
		if err := d.storable(name, vals); err != nil {
			return err
		}
		if len(vals) > 0 {
			s.attrs = append(s.attrs, ldap.Attribute{Type: canon, Vals: vals})
		}
	}
	return nil
}

// extraName returns the configured spelling of an allow-listed attribute.
func (d *Directory) extraName(name string) (string, bool) {
	i := slices.IndexFunc(d.extra, func(a string) bool { return strings.EqualFold(a, name) })
	if i < 0 {
		return "", false
	}
	return d.extra[i], true
}

// GetUser reads one user.
func (d *Directory) GetUser(ctx context.Context, ref directory.Ref) (*directory.User, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return nil, err
	}
	u := d.toUser(e)
	return &u, nil
}

// UpdateUser applies a patch in one modify operation.
func (d *Directory) UpdateUser(ctx context.Context, ref directory.Ref, p directory.UserPatch) (*directory.User, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return nil, err
	}
	changes, err := d.userChanges(e, p)
	if err != nil {
		return nil, err
	}
	if p.UIDNumber != nil {
		if err := d.numberTaken(ctx, d.userSpec(), *p.UIDNumber, e.DN); err != nil {
			return nil, err
		}
	}
	if len(changes) > 0 {
		if err := d.modify(ctx, e.DN, changes); err != nil {
			return nil, wrap(err, "updating "+e.DN)
		}
		if e, err = d.readEntry(ctx, e.DN, d.userSel, d.userAttrs); err != nil {
			return nil, err
		}
	}
	u := d.toUser(e)
	return &u, nil
}

// changeSet collects replace changes of a modify.
type changeSet struct {
	d       *Directory
	changes []ldap.Change
	err     error
}

// put replaces the attribute of key with vals (none: removes it).
func (c *changeSet) put(key string, vals ...string) {
	vals = slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return v == "" })
	if err := c.d.storable(key, vals); err != nil {
		if c.err == nil {
			c.err = err
		}
		return
	}
	a := c.d.attrs.get(key)
	if a == "" {
		if len(vals) > 0 && c.err == nil {
			c.err = fmt.Errorf("%w: this directory has no attribute for %s", directory.ErrNotSupported, key)
		}
		return
	}
	c.changes = append(c.changes, replace(a, vals...))
}

func (c *changeSet) str(key string, v *string) {
	if v != nil {
		c.put(key, *v)
	}
}

func (c *changeSet) boolean(key string, v *bool) {
	if v != nil {
		if *v {
			c.put(key, "TRUE")
		} else {
			c.put(key) // absent means false
		}
	}
}

func (c *changeSet) number(key string, n int64) {
	if n > 0 {
		c.put(key, strconv.FormatInt(n, 10))
	} else {
		c.put(key)
	}
}

// userChanges turns a patch into changes of e. Setting a uidNumber on a
// user without one makes it a POSIX account (adding the classes and the
// attributes they require); clearing it removes them.
func (d *Directory) userChanges(e *ldap.Entry, p directory.UserPatch) ([]ldap.Change, error) {
	c := &changeSet{d: d}
	username := d.val(e, attrUsername)
	c.str(attrGivenName, p.GivenName)
	if p.Surname != nil {
		if d.prof.quirks.optionalNames {
			c.put(attrSurname, *p.Surname)
		} else {
			c.put(attrSurname, orElse(*p.Surname, username))
		}
	}
	if p.DisplayName != nil {
		c.put(attrDisplayName, *p.DisplayName)
		switch {
		case d.cnIsUserRDN(): // cn holds the username
		case d.prof.quirks.optionalNames:
			c.put(attrCommonName, *p.DisplayName)
		default:
			c.put(attrCommonName, orElse(*p.DisplayName, username))
		}
	}
	c.str(attrMail, p.Mail)
	c.str(attrTelephone, p.Telephone)
	if p.Mobile != nil {
		first, others := d.splitMobile(*p.Mobile)
		c.put(attrMobile, first...)
		if d.prof.quirks.otherMobile != "" {
			c.changes = append(c.changes, replace(d.prof.quirks.otherMobile, others...))
		}
	}
	c.str(attrTitle, p.Title)
	c.str(attrDesc, p.Description)
	c.str(attrPrincipalName, p.UserPrincipalName)
	c.str(attrExtID, p.ExternalID)
	c.boolean(attrInvitePending, p.InvitationPending)
	c.boolean(attrSystem, p.System)
	if p.InvitationExpiry != nil {
		if p.InvitationExpiry.IsZero() {
			c.put(attrInviteExpiry)
		} else {
			c.put(attrInviteExpiry, d.timeValue(*p.InvitationExpiry))
		}
	}
	if err := d.posixChanges(c, e, p); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(p.Attributes)) {
		canon, ok := d.extraName(name)
		if !ok {
			return nil, invalid("attribute %q is not in this directory's extraAttributes", name)
		}
		vals := slices.DeleteFunc(slices.Clone(p.Attributes[name]), func(v string) bool { return v == "" })
		if err := d.storable(name, vals); err != nil {
			return nil, err
		}
		c.changes = append(c.changes, replace(canon, vals...))
	}
	return c.changes, c.err
}

// isPosix: posixAccount requires uidNumber, gidNumber and homeDirectory.
// A user with only some of them keeps them in dirgateObject, which allows
// each, and is not a POSIX account (NSS does not list it).
func isPosix(uid, gid int64, home string) bool { return uid > 0 && gid > 0 && home != "" }

// posixChanges handles uidNumber, gidNumber and homeDirectory, adding the
// POSIX classes when the user gains all three and removing them when it
// loses one, in the same modify.
func (d *Directory) posixChanges(c *changeSet, e *ldap.Entry, p directory.UserPatch) error {
	uid, gid, home := d.numVal(e, attrUIDNumber), d.numVal(e, attrGIDNumber), d.val(e, attrHomeDirectory)
	if p.UIDNumber != nil {
		uid = *p.UIDNumber
		c.number(attrUIDNumber, uid)
	}
	if p.GIDNumber != nil {
		gid = *p.GIDNumber
		c.number(attrGIDNumber, gid)
	}
	if p.HomeDirectory != nil {
		home = *p.HomeDirectory
		c.put(attrHomeDirectory, home)
	}
	if uid < 0 || gid < 0 {
		return invalid("uidNumber and gidNumber must not be negative")
	}
	if len(d.prof.classes.posixUser) == 0 {
		// The POSIX attributes need no class here (AD: auxiliary
		// classes of user in the schema).
		if isPosix(uid, gid, home) && d.val(e, attrLoginShell) == "" {
			c.put(attrLoginShell, defaultShell)
		}
		return nil
	}
	was := hasClass(e, selector(d.prof.classes.posixUser))
	now := isPosix(uid, gid, home)
	var op uint
	var classes []string
	switch {
	case now && !was:
		op = ldap.AddAttribute
		for _, cl := range d.prof.classes.posixUser {
			if !hasClass(e, cl) {
				classes = append(classes, cl)
			}
		}
		c.put(attrLoginShell, defaultShell)
	case was && !now:
		op = ldap.DeleteAttribute
		for _, cl := range d.prof.classes.posixUser {
			if hasClass(e, cl) {
				classes = append(classes, cl)
			}
		}
		// Attributes only the POSIX classes allow go with them.
		c.put(attrLoginShell)
		c.changes = append(c.changes, replace("gecos"))
	}
	if len(classes) > 0 {
		c.changes = append(c.changes, ldap.Change{Operation: op,
			Modification: ldap.PartialAttribute{Type: "objectClass", Vals: classes}})
	}
	return nil
}

// RenameUser changes the username, and the RDN when the username is it.
func (d *Directory) RenameUser(ctx context.Context, ref directory.Ref, newUsername string) (*directory.User, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if strings.TrimSpace(newUsername) == "" {
		return nil, invalid("the new username is empty")
	}
	if err := d.checkName(kindUser, newUsername); err != nil {
		return nil, err
	}
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return nil, err
	}
	old := d.val(e, attrUsername)
	if old == newUsername {
		u := d.toUser(e)
		return &u, nil
	}
	if err := d.nameTaken(ctx, d.userSpec(), newUsername, e.DN); err != nil {
		return nil, err
	}
	uidAttr, rdnAttr := d.attrs.get(attrUsername), d.userRDNAttr()
	newDN, err := d.renameEntry(ctx, e.DN, rdnAttr, newUsername)
	if err != nil {
		return nil, err
	}
	// cn and sn default to the username; keep them in step.
	c := &changeSet{d: d}
	if !isRDNAttr(e.DN, uidAttr) {
		c.put(attrUsername, newUsername)
	}
	if d.val(e, attrCommonName) == old && !isRDNAttr(e.DN, d.attrs.get(attrCommonName)) {
		c.put(attrCommonName, newUsername)
	}
	if d.val(e, attrSurname) == old && !d.prof.quirks.optionalNames {
		c.put(attrSurname, newUsername)
	}
	if err := d.modify(ctx, newDN, c.changes); err != nil {
		return nil, wrap(err, "renaming "+newDN)
	}
	if err := d.renameMemberRefs(ctx, e.DN, newDN, old, newUsername); err != nil {
		return nil, err
	}
	return d.GetUser(ctx, directory.ByDN(newDN))
}

// isRDNAttr reports whether dn's RDN is of attribute attr.
func isRDNAttr(dn, attr string) bool {
	_, a, err := firstRDN(dn)
	return err == nil && strings.EqualFold(a, attr)
}

// renameEntry gives dn a new RDN value when its RDN is of attr (the old
// value goes); otherwise the DN stays. It returns the DN after.
func (d *Directory) renameEntry(ctx context.Context, dn, attr, value string) (string, error) {
	if !isRDNAttr(dn, attr) {
		return dn, nil
	}
	rdn := d.childDN(attr, value, "")
	err := d.write(ctx, func(c *conn) error {
		return c.ModifyDN(ldap.NewModifyDNRequest(d.wireDN(dn), rdn, true, ""))
	})
	if err != nil {
		if isCode(err, ldap.LDAPResultEntryAlreadyExists, ldap.LDAPResultConstraintViolation) {
			return "", wrapAs(directory.ErrAlreadyExists, err, fmt.Sprintf("renaming %s to %q", dn, value))
		}
		return "", wrap(err, "renaming "+dn)
	}
	return d.childDN(attr, value, parentOf(dn)), nil
}

// MoveUser moves a user under another container, keeping its memberships.
func (d *Directory) MoveUser(ctx context.Context, ref directory.Ref, newParentDN string) (*directory.User, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if err := d.checkContainer(ctx, newParentDN); err != nil {
		return nil, err
	}
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return nil, err
	}
	newDN, err := d.moveEntry(ctx, e.DN, newParentDN)
	if err != nil {
		return nil, err
	}
	if newDN != e.DN {
		if err := d.renameMemberRefs(ctx, e.DN, newDN, "", ""); err != nil {
			return nil, err
		}
	}
	return d.GetUser(ctx, directory.ByDN(newDN))
}

// moveEntry moves dn under newParent, returning the new DN (dn itself when
// it is already there).
func (d *Directory) moveEntry(ctx context.Context, dn, newParent string) (string, error) {
	if directory.EqualDN(parentOf(dn), newParent) {
		return dn, nil
	}
	rdn, _, err := firstRDN(dn)
	if err != nil {
		return "", err
	}
	err = d.write(ctx, func(c *conn) error {
		return c.ModifyDN(ldap.NewModifyDNRequest(d.wireDN(dn), d.wireDN(rdn), true, d.wireDN(newParent)))
	})
	switch {
	case isCode(err, ldap.LDAPResultNoSuchObject):
		return "", wrapAs(directory.ErrNotFound, err, "moving "+dn+" under "+newParent)
	case isCode(err, ldap.LDAPResultEntryAlreadyExists):
		return "", wrapAs(directory.ErrAlreadyExists, err, "moving "+dn+" under "+newParent)
	case err != nil && resultCode(err) != 0 && d.missing(ctx, newParent):
		// Samba says "other" (80) where AD says noSuchObject.
		return "", wrapAs(directory.ErrNotFound, err, "moving "+dn+": "+newParent+" does not exist")
	case err != nil:
		return "", wrap(err, "moving "+dn)
	}
	return rdn + "," + newParent, nil
}

// missing reports whether dn is known not to exist.
func (d *Directory) missing(ctx context.Context, dn string) bool {
	_, err := d.readEntry(ctx, dn, "(objectClass=*)", []string{"1.1"})
	return isNotFound(err)
}

// DeleteUser removes a user and its memberships.
func (d *Directory) DeleteUser(ctx context.Context, ref directory.Ref) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.userSpec(), ref, []string{d.attrs.get(attrUsername)})
	if err != nil {
		return err
	}
	return d.deletePrincipal(ctx, e.DN, d.val(e, attrUsername))
}

// deletePrincipal deletes a user or group entry, then its memberships:
// the entry's removal is what was asked; a membership left behind by a
// failure there is invisible (members that no longer resolve are skipped)
// and refint, where configured, removes it too.
func (d *Directory) deletePrincipal(ctx context.Context, dn, username string) error {
	if err := d.del(ctx, dn); err != nil {
		return wrap(err, "deleting "+dn)
	}
	return d.removeMemberRefs(ctx, dn, username)
}

// splitMobile divides mobile numbers between the mobile attribute and,
// where that holds one value only (AD), the attribute for the others.
func (d *Directory) splitMobile(numbers []string) (first, others []string) {
	numbers = slices.DeleteFunc(slices.Clone(numbers), func(v string) bool { return v == "" })
	if d.prof.quirks.otherMobile == "" || len(numbers) <= 1 {
		return numbers, nil
	}
	return numbers[:1], numbers[1:]
}

// storable refuses values the server would keep but not compare
// faithfully (Samba cuts values at a NUL when matching filters).
func (d *Directory) storable(key string, vals []string) error {
	if d.prof.quirks.noNUL && slices.ContainsFunc(vals, hasNUL) {
		return invalid("%s: this directory cannot store values holding NUL", key)
	}
	return nil
}

// orElse returns a if it is not empty, else b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
