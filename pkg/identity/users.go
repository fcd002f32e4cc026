package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// restricted reports whether the scope limits which entries a caller may
// touch, so the target's DN must be known before acting.
func (s Scope) restricted() bool { return len(s.Subtrees) > 0 || s.Self != "" }

// userTarget authorizes op on the user ref names. For an unrestricted
// caller, or a DN inside the caller's scope, it costs nothing; otherwise
// it reads the user to learn its DN. It returns the ref to act on and the
// target to audit.
func (d *Domain) userTarget(ctx context.Context, c Caller, op Operation, ref directory.Ref) (directory.Ref, string, error) {
	return d.authorize(ctx, c, op, "user", ref, func(ctx context.Context, r directory.Ref) (string, string, error) {
		u, err := d.dir.GetUser(ctx, r)
		if err != nil {
			return "", "", err
		}
		return u.ID, u.DN, nil
	})
}

// authorize checks op on the entry ref names, looking the entry up only
// when the caller's scope depends on where it lies.
func (d *Domain) authorize(ctx context.Context, c Caller, op Operation, what string, ref directory.Ref,
	lookup func(context.Context, directory.Ref) (id, dn string, err error)) (directory.Ref, string, error) {
	if !ref.Valid() {
		return ref, "", invalid(what, "is required")
	}
	if err := c.Scope.allows(op, ""); err != nil {
		return ref, ref.String(), err
	}
	if !c.Scope.restricted() {
		return ref, ref.String(), nil
	}
	// A DN says where the entry lies, which is all the scope asks; acting
	// by that DN acts inside it. Only a refusal reads the entry, so that
	// one that does not exist stays ErrNotFound.
	if ref.Kind == directory.RefDN && c.Scope.allows(op, ref.Value) == nil {
		return ref, ref.Value, nil
	}
	id, dn, err := lookup(ctx, ref)
	if err != nil {
		return ref, ref.String(), err
	}
	if err := c.Scope.allows(op, dn); err != nil {
		return ref, dn, err
	}
	return directory.ByID(id), dn, nil
}

// GetUser reads one user.
func (d *Domain) GetUser(ctx context.Context, c Caller, ref directory.Ref) (*directory.User, error) {
	if !ref.Valid() {
		return nil, invalid("user", "is required")
	}
	if err := c.Scope.allows(OpUserRead, ""); err != nil {
		return nil, err
	}
	u, err := d.dir.GetUser(ctx, ref)
	if err != nil {
		return nil, d.finish(c, OpUserRead, ref.String(), err)
	}
	if err := c.Scope.allows(OpUserRead, u.DN); err != nil {
		return nil, err
	}
	return u, nil
}

// SearchUsers runs a user search inside the caller's scope.
func (d *Domain) SearchUsers(ctx context.Context, c Caller, q directory.Query) (directory.Page[directory.User], error) {
	if err := directory.Validate(q.Filter, directory.UserFields); err != nil {
		return directory.Page[directory.User]{}, err
	}
	scoped, err := d.scopeQuery(c, OpUserRead, q)
	if err != nil {
		return directory.Page[directory.User]{}, err
	}
	page, err := d.dir.SearchUsers(ctx, scoped)
	return page, d.finish(c, OpUserRead, scoped.Base, err)
}

// scopeQuery checks a query's base against the domain and narrows it to
// what the caller may see.
func (d *Domain) scopeQuery(c Caller, op Operation, q directory.Query) (directory.Query, error) {
	if err := c.Scope.allows(op, ""); err != nil {
		return q, err
	}
	if q.Base != "" {
		if err := d.checkInDomain("base", q.Base); err != nil {
			return q, err
		}
	}
	return c.Scope.narrow(q)
}

// narrow restricts a query to the scope: a self-only caller sees its own
// entry, a caller limited to subtrees searches inside them.
func (s Scope) narrow(q directory.Query) (directory.Query, error) {
	if s.Self != "" {
		if q.Base != "" && !directory.IsUnder(s.Self, q.Base) {
			q.Filter = directory.Or{} // nothing of the caller's lies there
			return q, nil
		}
		q.Base, q.Scope = s.Self, directory.ScopeSubtree
		return q, nil
	}
	if len(s.Subtrees) == 0 {
		return q, nil
	}
	if q.Base != "" && s.covers(q.Base) {
		return q, nil
	}
	// The base lies above the allowed subtrees: narrow it to the one
	// subtree inside it. Several would need several searches, which paging
	// cannot merge, so the caller must pick one.
	var inside []string
	for _, sub := range s.Subtrees {
		if q.Base == "" || directory.IsUnder(sub, q.Base) {
			inside = append(inside, sub)
		}
	}
	switch {
	case len(inside) == 1 && q.Scope == directory.ScopeSubtree:
		q.Base = inside[0]
		return q, nil
	case len(inside) == 0:
		return q, forbidden("%s is outside the allowed subtrees", q.Base)
	default:
		return q, forbidden("the search base must lie within one of the allowed subtrees: %s", strings.Join(s.Subtrees, "; "))
	}
}

// CreateUser validates and creates a user, allocating its uidNumber when
// none is given and filling the defaults of the domain.
func (d *Domain) CreateUser(ctx context.Context, c Caller, in directory.NewUser) (*directory.User, error) {
	if in.ParentDN == "" {
		in.ParentDN = d.cfg.UsersDN
	}
	target := fmt.Sprintf("%q in %s", in.Username, in.ParentDN)
	if err := d.validateNewUser(in); err != nil {
		return nil, d.finish(c, OpUserCreate, target, err)
	}
	if err := c.Scope.allows(OpUserCreate, in.ParentDN); err != nil {
		return nil, d.finish(c, OpUserCreate, target, err)
	}
	if in.GIDNumber == 0 {
		gid, err := d.defaultGID(ctx)
		if err != nil {
			return nil, d.finish(c, OpUserCreate, target, err)
		}
		in.GIDNumber = gid
	}
	if in.HomeDirectory == "" {
		home, err := d.freeHome(ctx, in.Username, "")
		if err != nil {
			return nil, d.finish(c, OpUserCreate, target, err)
		}
		in.HomeDirectory = home
	}
	// An explicit number that an entry holds is the backend's to refuse
	// (the port's contract), in the search that checks the name.
	if in.UIDNumber == 0 {
		n, err := d.dir.AllocateID(ctx, directory.UIDSequence, d.cfg.UIDRange)
		if err != nil {
			return nil, d.finish(c, OpUserCreate, target, err)
		}
		in.UIDNumber = n
	}
	var u *directory.User
	create := func() (err error) { u, err = d.dir.CreateUser(ctx, in); return err }
	var err error
	if in.Password != "" {
		err = d.hashing(ctx, create)
	} else {
		err = create()
	}
	if err == nil {
		target = u.DN
	}
	return u, d.finish(c, OpUserCreate, target, err)
}

// numberFree refuses an explicit uid or gid number that an entry already
// has, as the directory itself says (directory.Authoritative).
func (d *Domain) numberFree(ctx context.Context, kind directory.IDKind, n int64) error {
	var err error
	ctx = directory.Authoritative(ctx)
	if kind == directory.UIDSequence {
		_, err = d.dir.GetUser(ctx, directory.ByNumber(n))
	} else {
		_, err = d.dir.GetGroup(ctx, directory.ByNumber(n))
	}
	switch {
	case err == nil:
		return fmt.Errorf("%w: %s %d is taken", directory.ErrAlreadyExists, kind, n)
	case isNotFound(err):
		return nil
	default:
		return err
	}
}

func (d *Domain) usernameMax() int {
	limit := d.cfg.Names.MaxLength
	if m := d.dir.Capabilities().UsernameMaxLength; m > 0 && (limit == 0 || m < limit) {
		limit = m
	}
	return limit
}

func (d *Domain) validateNewUser(in directory.NewUser) error {
	if err := checkName("username", in.Username, d.usernameMax()); err != nil {
		return err
	}
	if err := d.checkInDomain("parent", in.ParentDN); err != nil {
		return err
	}
	if err := checkEmail("email", in.Mail); err != nil {
		return err
	}
	if err := checkUserTexts(map[string]string{
		"givenName": in.GivenName, "surname": in.Surname, "displayName": in.DisplayName,
		"telephone": in.Telephone, "title": in.Title, "description": in.Description,
		"userPrincipalName": in.UserPrincipalName, "homeDirectory": in.HomeDirectory,
		"externalId": in.ExternalID,
	}, in.Mobile); err != nil {
		return err
	}
	if err := d.checkAttributes(in.Attributes); err != nil {
		return err
	}
	if in.Password != "" {
		return d.cfg.PasswordPolicy.Check(in.Password, in.Username, in.DisplayName, in.GivenName, in.Surname)
	}
	return nil
}

func checkUserTexts(fields map[string]string, mobile []string) error {
	for name, v := range fields {
		if err := checkText(name, v); err != nil {
			return err
		}
	}
	for _, m := range mobile {
		if err := checkText("mobile", m); err != nil {
			return err
		}
	}
	return nil
}

// checkInDomain: dn parses and lies in the domain's tree.
func (d *Domain) checkInDomain(field, dn string) error {
	if _, err := directory.ParseDN(dn); err != nil {
		return invalid(field, "%q is not a valid DN", dn)
	}
	if !directory.IsUnder(dn, d.BaseDN()) {
		return invalid(field, "%s is outside the domain %s (%s)", dn, d.cfg.Name, d.BaseDN())
	}
	return nil
}

// UpdateUser applies a patch.
func (d *Domain) UpdateUser(ctx context.Context, c Caller, ref directory.Ref, p directory.UserPatch) (*directory.User, error) {
	ref, target, err := d.userTarget(ctx, c, OpUserUpdate, ref)
	if err != nil {
		return nil, d.finish(c, OpUserUpdate, target, err)
	}
	if err := d.validatePatch(p); err != nil {
		return nil, d.finish(c, OpUserUpdate, target, err)
	}
	if p.UIDNumber != nil && *p.UIDNumber > 0 {
		if err := d.numberFreeFor(ctx, ref, *p.UIDNumber); err != nil {
			return nil, d.finish(c, OpUserUpdate, target, err)
		}
	}
	u, err := d.dir.UpdateUser(ctx, ref, p)
	return u, d.finish(c, OpUserUpdate, target, err)
}

// numberFreeFor: n is free, or already the user's own.
func (d *Domain) numberFreeFor(ctx context.Context, ref directory.Ref, n int64) error {
	other, err := d.dir.GetUser(directory.Authoritative(ctx), directory.ByNumber(n))
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	self, err := d.dir.GetUser(ctx, ref)
	if err != nil {
		return err
	}
	if self.ID != other.ID {
		return fmt.Errorf("%w: uidNumber %d is taken", directory.ErrAlreadyExists, n)
	}
	return nil
}

func (d *Domain) validatePatch(p directory.UserPatch) error {
	texts := map[string]string{}
	for name, v := range map[string]*string{
		"givenName": p.GivenName, "surname": p.Surname, "displayName": p.DisplayName,
		"telephone": p.Telephone, "title": p.Title, "description": p.Description,
		"userPrincipalName": p.UserPrincipalName, "homeDirectory": p.HomeDirectory,
		"externalId": p.ExternalID,
	} {
		if v != nil {
			texts[name] = *v
		}
	}
	var mobile []string
	if p.Mobile != nil {
		mobile = *p.Mobile
	}
	if err := checkUserTexts(texts, mobile); err != nil {
		return err
	}
	if p.Mail != nil {
		if err := checkEmail("email", *p.Mail); err != nil {
			return err
		}
	}
	if p.UIDNumber != nil && *p.UIDNumber < 0 || p.GIDNumber != nil && *p.GIDNumber < 0 {
		return invalid("number", "must not be negative")
	}
	return d.checkAttributes(p.Attributes)
}

// RenameUser changes a username.
func (d *Domain) RenameUser(ctx context.Context, c Caller, ref directory.Ref, newUsername string) (*directory.User, error) {
	ref, target, err := d.userTarget(ctx, c, OpUserRename, ref)
	if err != nil {
		return nil, d.finish(c, OpUserRename, target, err)
	}
	if err := checkName("username", newUsername, d.usernameMax()); err != nil {
		return nil, d.finish(c, OpUserRename, target, err)
	}
	u, err := d.dir.RenameUser(ctx, ref, newUsername)
	return u, d.finish(c, OpUserRename, target, err)
}

// MoveUser moves a user to another container inside the domain (and the
// caller's scope).
func (d *Domain) MoveUser(ctx context.Context, c Caller, ref directory.Ref, newParentDN string) (*directory.User, error) {
	ref, target, err := d.userTarget(ctx, c, OpUserMove, ref)
	if err != nil {
		return nil, d.finish(c, OpUserMove, target, err)
	}
	if err := d.checkInDomain("ouDN", newParentDN); err != nil {
		return nil, d.finish(c, OpUserMove, target, err)
	}
	if err := c.Scope.allows(OpUserMove, newParentDN); err != nil {
		return nil, d.finish(c, OpUserMove, target, err)
	}
	u, err := d.dir.MoveUser(ctx, ref, newParentDN)
	return u, d.finish(c, OpUserMove, target, err)
}

// DeleteUser deletes a user.
func (d *Domain) DeleteUser(ctx context.Context, c Caller, ref directory.Ref) error {
	ref, target, err := d.userTarget(ctx, c, OpUserDelete, ref)
	if err != nil {
		return d.finish(c, OpUserDelete, target, err)
	}
	return d.finish(c, OpUserDelete, target, d.dir.DeleteUser(ctx, ref))
}
