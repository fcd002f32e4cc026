package identity

import (
	"context"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

func (d *Domain) ouTarget(ctx context.Context, c Caller, op Operation, ref directory.Ref) (directory.Ref, string, error) {
	return d.authorize(ctx, c, op, "ou", ref, func(ctx context.Context, r directory.Ref) (string, string, error) {
		ou, err := d.dir.GetOU(ctx, r)
		if err != nil {
			return "", "", err
		}
		return ou.ID, ou.DN, nil
	})
}

// CreateOU validates and creates an organizational unit.
func (d *Domain) CreateOU(ctx context.Context, c Caller, in directory.NewOU) (*directory.OU, error) {
	if in.ParentDN == "" {
		in.ParentDN = d.BaseDN()
	}
	target := fmt.Sprintf("%q in %s", in.Name, in.ParentDN)
	if err := d.validateNewOU(in); err != nil {
		return nil, d.finish(c, OpOUCreate, target, err)
	}
	if err := c.Scope.allows(OpOUCreate, in.ParentDN); err != nil {
		return nil, d.finish(c, OpOUCreate, target, err)
	}
	ou, err := d.dir.CreateOU(ctx, in)
	if err == nil {
		target = ou.DN
	}
	return ou, d.finish(c, OpOUCreate, target, err)
}

func (d *Domain) validateNewOU(in directory.NewOU) error {
	if err := checkName("name", in.Name, d.cfg.Names.MaxLength); err != nil {
		return err
	}
	if err := d.checkInDomain("parent", in.ParentDN); err != nil {
		return err
	}
	for name, v := range map[string]string{
		"description": in.Description, "street": in.Street, "city": in.City, "state": in.State,
		"postalCode": in.PostalCode, "country": in.Country,
	} {
		if err := checkText(name, v); err != nil {
			return err
		}
	}
	return nil
}

// GetOU reads one OU by id or DN.
func (d *Domain) GetOU(ctx context.Context, c Caller, ref directory.Ref) (*directory.OU, error) {
	if !ref.Valid() {
		return nil, invalid("ou", "is required")
	}
	if err := c.Scope.allows(OpOURead, ""); err != nil {
		return nil, err
	}
	ou, err := d.dir.GetOU(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := c.Scope.allows(OpOURead, ou.DN); err != nil {
		return nil, err
	}
	return ou, nil
}

// ListOUs lists the OUs below base (the domain's base when empty) that the
// caller may see.
func (d *Domain) ListOUs(ctx context.Context, c Caller, base string, scope directory.Scope) ([]directory.OU, error) {
	if err := c.Scope.allows(OpOURead, ""); err != nil {
		return nil, err
	}
	if base != "" {
		if err := d.checkInDomain("base", base); err != nil {
			return nil, err
		}
	}
	ous, err := d.dir.ListOUs(ctx, base, scope)
	if err != nil {
		return nil, err
	}
	visible := ous[:0]
	for _, ou := range ous {
		if c.Scope.covers(ou.DN) {
			visible = append(visible, ou)
		}
	}
	return visible, nil
}

// Children lists the direct children of an entry the caller may see.
func (d *Domain) Children(ctx context.Context, c Caller, dn string) ([]directory.Entry, error) {
	if err := d.checkInDomain("dn", dn); err != nil {
		return nil, err
	}
	if err := c.Scope.allows(OpOURead, dn); err != nil {
		return nil, err
	}
	return d.dir.Children(ctx, dn)
}

// DeleteOU deletes an OU (refused when protected, or not empty unless
// recursive).
func (d *Domain) DeleteOU(ctx context.Context, c Caller, ref directory.Ref, recursive bool) error {
	ref, target, err := d.ouTarget(ctx, c, OpOUDelete, ref)
	if err != nil {
		return d.finish(c, OpOUDelete, target, err)
	}
	return d.finish(c, OpOUDelete, target, d.dir.DeleteOU(ctx, ref, recursive))
}

// Resolve finds the users, groups and OUs with that name that the caller
// may see.
func (d *Domain) Resolve(ctx context.Context, c Caller, name string) ([]directory.Entry, error) {
	if name == "" {
		return nil, invalid("name", "is required")
	}
	if err := c.Scope.allows(OpUserRead, ""); err != nil {
		return nil, err
	}
	entries, err := d.dir.Resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	visible := entries[:0]
	for _, e := range entries {
		if c.Scope.covers(e.DN) && (c.Scope.Self == "" || directory.EqualDN(e.DN, c.Scope.Self)) {
			visible = append(visible, e)
		}
	}
	return visible, nil
}
