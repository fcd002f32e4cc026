package embedded

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// normTime keeps times in UTC at the microsecond, the precision exports
// write, so that a restored entry compares equal.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// userTexts are the free-text fields of a user, by name, for validation.
func userTexts(u *userRec) map[string]string {
	return map[string]string{
		"givenName": u.GivenName, "surname": u.Surname, "displayName": u.DisplayName, "mail": u.Mail,
		"telephone": u.Telephone, "title": u.Title, "description": u.Description,
		"userPrincipalName": u.UserPrincipalName, "homeDirectory": u.HomeDirectory, "externalId": u.ExternalID,
	}
}

// CreateUser adds a user below nu.ParentDN.
func (d *Directory) CreateUser(ctx context.Context, nu directory.NewUser) (*directory.User, error) {
	u := &userRec{
		Username: nu.Username, UIDNumber: nu.UIDNumber, GIDNumber: nu.GIDNumber,
		GivenName: nu.GivenName, Surname: nu.Surname, DisplayName: nu.DisplayName, Mail: nu.Mail,
		Telephone: nu.Telephone, Title: nu.Title, Description: nu.Description,
		UserPrincipalName: nu.UserPrincipalName, HomeDirectory: nu.HomeDirectory, ExternalID: nu.ExternalID,
		Disabled: nu.Disabled, MustChange: nu.MustChangePassword, InvitationPending: nu.InvitationPending,
		InvitationExpiry: normTime(nu.InvitationExpiry), System: nu.System,
	}
	if err := checkName("username", nu.Username); err != nil {
		return nil, err
	}
	if err := checkTexts(userTexts(u)); err != nil {
		return nil, err
	}
	if err := checkNumber("uidNumber", nu.UIDNumber); err != nil {
		return nil, err
	}
	if err := checkNumber("gidNumber", nu.GIDNumber); err != nil {
		return nil, err
	}
	var err error
	if u.Mobile, err = cleanValues("mobile", nu.Mobile); err != nil {
		return nil, err
	}
	attrs, err := d.attributes(nu.Attributes)
	if err != nil {
		return nil, err
	}
	for name, vs := range attrs {
		if len(vs) == 0 {
			delete(attrs, name)
		}
	}
	u.Attributes = cloneAttrs(attrs)
	// Hashing is slow on purpose: do it before taking the write lock.
	if nu.Password != "" {
		if u.Password, err = d.hasher.hash(nu.Password); err != nil {
			return nil, err
		}
	}
	var out directory.User
	err = d.write(ctx, func(x *txn) error {
		parent, err := x.s.container("parent", nu.ParentDN)
		if err != nil {
			return err
		}
		if err := x.s.usernameFree(nu.Username, ""); err != nil {
			return err
		}
		if err := x.s.uidNumberFree(nu.UIDNumber, ""); err != nil {
			return err
		}
		u.ID, u.Parent = uuid.NewString(), parent
		u.DN = directory.ChildDN("uid", u.Username, x.s.dnOf(parent))
		if err := x.s.dnFree(u.DN, ""); err != nil {
			return err
		}
		u.Created = d.now()
		u.Modified = u.Created
		x.putUser(u)
		out = u.model(u.Created, d.lockout.duration)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *state) usernameFree(name, self string) error {
	if id, ok := s.userNames[fold(name)]; ok && id != self {
		return fmt.Errorf("%w: the username %q is taken", directory.ErrAlreadyExists, name)
	}
	return nil
}

func (s *state) uidNumberFree(n int64, self string) error {
	if id, ok := s.uidNumbers[n]; ok && n > 0 && id != self {
		return fmt.Errorf("%w: uidNumber %d is taken", directory.ErrAlreadyExists, n)
	}
	return nil
}

// GetUser finds a user by id, DN, username or uidNumber.
func (d *Directory) GetUser(ctx context.Context, ref directory.Ref) (*directory.User, error) {
	var out directory.User
	err := d.read(ctx, func(s *state) error {
		u, err := s.user(ref)
		if err != nil {
			return err
		}
		out = u.model(d.now(), d.lockout.duration)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateUser applies a patch: nil leaves a field, "" or an empty list
// removes it.
func (d *Directory) UpdateUser(ctx context.Context, ref directory.Ref, p directory.UserPatch) (*directory.User, error) {
	texts := map[string]*string{
		"givenName": p.GivenName, "surname": p.Surname, "displayName": p.DisplayName, "mail": p.Mail,
		"telephone": p.Telephone, "title": p.Title, "description": p.Description,
		"userPrincipalName": p.UserPrincipalName, "homeDirectory": p.HomeDirectory, "externalId": p.ExternalID,
	}
	for what, v := range texts {
		if v != nil {
			if err := checkText(what, *v); err != nil {
				return nil, err
			}
		}
	}
	for what, n := range map[string]*int64{"uidNumber": p.UIDNumber, "gidNumber": p.GIDNumber} {
		if n != nil {
			if err := checkNumber(what, *n); err != nil {
				return nil, err
			}
		}
	}
	var mobile []string
	if p.Mobile != nil {
		var err error
		if mobile, err = cleanValues("mobile", *p.Mobile); err != nil {
			return nil, err
		}
	}
	attrs, err := d.attributes(p.Attributes)
	if err != nil {
		return nil, err
	}
	var out directory.User
	err = d.write(ctx, func(x *txn) error {
		old, err := x.s.user(ref)
		if err != nil {
			return err
		}
		now := d.now()
		if p.IsEmpty() {
			out = old.model(now, d.lockout.duration)
			return nil
		}
		u := old.clone()
		if p.UIDNumber != nil {
			if err := x.s.uidNumberFree(*p.UIDNumber, u.ID); err != nil {
				return err
			}
			u.UIDNumber = *p.UIDNumber
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&u.GivenName, p.GivenName)
		set(&u.Surname, p.Surname)
		set(&u.DisplayName, p.DisplayName)
		set(&u.Mail, p.Mail)
		set(&u.Telephone, p.Telephone)
		set(&u.Title, p.Title)
		set(&u.Description, p.Description)
		set(&u.UserPrincipalName, p.UserPrincipalName)
		set(&u.HomeDirectory, p.HomeDirectory)
		set(&u.ExternalID, p.ExternalID)
		if p.GIDNumber != nil {
			u.GIDNumber = *p.GIDNumber
		}
		if p.Mobile != nil {
			u.Mobile = mobile
		}
		if p.InvitationPending != nil {
			u.InvitationPending = *p.InvitationPending
		}
		if p.InvitationExpiry != nil {
			u.InvitationExpiry = normTime(*p.InvitationExpiry)
		}
		if p.System != nil {
			u.System = *p.System
		}
		for name, vs := range attrs {
			if len(vs) == 0 {
				delete(u.Attributes, name)
				continue
			}
			if u.Attributes == nil {
				u.Attributes = map[string][]string{}
			}
			u.Attributes[name] = vs
		}
		if len(u.Attributes) == 0 {
			u.Attributes = nil
		}
		u.Modified = now
		x.putUser(u)
		out = u.model(now, d.lockout.duration)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// RenameUser changes the username and with it the RDN; the id and the
// memberships (kept by id) stay.
func (d *Directory) RenameUser(ctx context.Context, ref directory.Ref, newUsername string) (*directory.User, error) {
	if err := checkName("username", newUsername); err != nil {
		return nil, err
	}
	return d.changeUser(ctx, ref, func(s *state, u *userRec) error {
		if err := s.usernameFree(newUsername, u.ID); err != nil {
			return err
		}
		u.Username = newUsername
		u.DN = directory.ChildDN("uid", newUsername, s.dnOf(u.Parent))
		return s.dnFree(u.DN, u.ID)
	})
}

// MoveUser moves a user below another container.
func (d *Directory) MoveUser(ctx context.Context, ref directory.Ref, newParentDN string) (*directory.User, error) {
	return d.changeUser(ctx, ref, func(s *state, u *userRec) error {
		parent, err := s.container("new parent", newParentDN)
		if err != nil {
			return err
		}
		u.Parent = parent
		u.DN = directory.ChildDN("uid", u.Username, s.dnOf(parent))
		return s.dnFree(u.DN, u.ID)
	})
}

// changeUser applies change to a copy of the user ref names and stores it.
func (d *Directory) changeUser(ctx context.Context, ref directory.Ref, change func(s *state, u *userRec) error) (*directory.User, error) {
	var out directory.User
	err := d.write(ctx, func(x *txn) error {
		old, err := x.s.user(ref)
		if err != nil {
			return err
		}
		u := old.clone()
		if err := change(x.s, u); err != nil {
			return err
		}
		u.Modified = d.now()
		x.putUser(u)
		out = u.model(u.Modified, d.lockout.duration)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUser removes the user and its memberships.
func (d *Directory) DeleteUser(ctx context.Context, ref directory.Ref) error {
	return d.write(ctx, func(x *txn) error {
		u, err := x.s.user(ref)
		if err != nil {
			return err
		}
		x.dropMemberships(u.ID, d.now())
		x.deleteUser(u)
		return nil
	})
}

// dropMemberships removes id from every group that lists it.
func (x *txn) dropMemberships(id string, now time.Time) {
	var groups []string
	for gid := range x.s.memberOf[id] {
		groups = append(groups, gid)
	}
	slices.Sort(groups)
	for _, gid := range groups {
		g := x.s.groups[gid].clone()
		g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == id })
		g.Modified = now
		x.putGroup(g)
	}
}
