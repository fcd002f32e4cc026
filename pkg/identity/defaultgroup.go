package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dirgate/dirgate/pkg/directory"
)

// DefaultUsersGroup is the plain group new users get as their primary
// group when neither the request nor the configuration names one.
const DefaultUsersGroup = "dirgate-users"

// defaultGroup remembers the primary group of users created without one,
// once it has been found (or created) and checked.
type defaultGroup struct {
	mu  sync.Mutex
	gid int64
}

// setupCaller is who acts when the core sets up what its configuration
// names (the default group): the configuration's doing, not the caller's.
var setupCaller = Caller{Name: "dirgate-setup", Dialect: "core"}

// defaultGID returns the gidNumber of new users created without one: the
// configured defaultGIDNumber, else the default group's, created in the
// groups container the first time it is needed. It is never an admin
// group's: a POSIX host reading the directory would otherwise see every
// new user in that group.
func (d *Domain) defaultGID(ctx context.Context) (int64, error) {
	d.defGroup.mu.Lock()
	defer d.defGroup.mu.Unlock()
	if d.defGroup.gid != 0 {
		return d.defGroup.gid, nil
	}
	var g *directory.Group
	var err error
	if n := d.cfg.DefaultGIDNumber; n != 0 {
		g, err = d.dir.GetGroup(ctx, directory.ByNumber(n))
		if isNotFound(err) {
			// A number with no group behind it (a group kept on the hosts
			// themselves) is the operator's choice: nothing to check.
			d.defGroup.gid = n
			return n, nil
		}
	} else {
		g, err = d.ensureDefaultGroup(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("default group: %w", err)
	}
	if d.isAdminGroup(g.Name) {
		return 0, fmt.Errorf("%w: the default primary group %q (gidNumber %d) is an admin group: new users would be administrators on POSIX hosts; set the domain's defaultGroup or defaultGIDNumber to a plain users group",
			ErrMisconfigured, g.Name, g.GIDNumber)
	}
	d.defGroup.gid = g.GIDNumber
	return g.GIDNumber, nil
}

// ensureDefaultGroup finds the configured default group, creating it in
// the groups container when it does not exist, and the container too
// when that is missing (one OU below an existing parent, as the quick
// start makes it). Another replica creating either at the same moment is
// not an error: its entry is used. A failure is the configuration's, not
// the request's: ErrMisconfigured, never the ErrNotFound a client would
// read as its own container missing.
func (d *Domain) ensureDefaultGroup(ctx context.Context) (*directory.Group, error) {
	name := d.cfg.DefaultGroup
	g, err := d.dir.GetGroup(ctx, directory.ByName(name))
	if !isNotFound(err) {
		return g, err
	}
	create := func() (*directory.Group, error) {
		return d.CreateGroup(ctx, setupCaller, directory.NewGroup{
			Name: name, Description: "primary group of users created without one (dirgate)",
		})
	}
	g, err = create()
	if isNotFound(err) {
		if err = d.ensureGroupsContainer(ctx); err == nil {
			g, err = create()
		}
	}
	switch {
	case errors.Is(err, directory.ErrAlreadyExists):
		return d.dir.GetGroup(ctx, directory.ByName(name))
	case err != nil && !errors.Is(err, directory.ErrUnavailable):
		return nil, fmt.Errorf("%w: the default group %q cannot be made in %s (%v); create it, or set the domain's defaultGroup or defaultGIDNumber",
			ErrMisconfigured, name, d.cfg.GroupsDN, err)
	}
	return g, err
}

// ensureGroupsContainer creates the groups container when it is an OU
// (ou=...); another kind of container is the directory's to have.
func (d *Domain) ensureGroupsContainer(ctx context.Context) error {
	dn, err := directory.ParseDN(d.cfg.GroupsDN)
	if err != nil {
		return err
	}
	rdn := dn.RDNs[0].Attributes[0]
	if !strings.EqualFold(rdn.Type, "ou") {
		return fmt.Errorf("%w: the groups container %s does not exist", directory.ErrNotFound, d.cfg.GroupsDN)
	}
	name := rdn.Value
	parent, err := directory.ParentDN(d.cfg.GroupsDN)
	if err != nil {
		return err
	}
	_, err = d.CreateOU(ctx, setupCaller, directory.NewOU{ParentDN: parent, Name: name})
	if errors.Is(err, directory.ErrAlreadyExists) {
		return nil
	}
	return err
}

// isAdminGroup reports whether the group of that name gives
// administrative rights in a dialect.
func (d *Domain) isAdminGroup(name string) bool {
	return slices.ContainsFunc(d.cfg.AdminGroups, func(a string) bool { return strings.EqualFold(a, name) })
}

// CheckDefaultGroup reads the configured defaultGIDNumber's group and
// refuses (ErrMisconfigured) when it is an admin group, so that dirgate
// does not start with such a configuration. A named default group is
// checked by name when the configuration loads; it is created when first
// needed, not here.
func (d *Domain) CheckDefaultGroup(ctx context.Context) error {
	if d.cfg.DefaultGIDNumber == 0 {
		return nil
	}
	g, err := d.dir.GetGroup(ctx, directory.ByNumber(d.cfg.DefaultGIDNumber))
	switch {
	case isNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("domain %s: default primary group: %w", d.cfg.Name, err)
	case d.isAdminGroup(g.Name):
		return fmt.Errorf("%w: domain %s: defaultGIDNumber %d is the gidNumber of the admin group %q: every user created without a group would be in it; use a plain users group",
			ErrMisconfigured, d.cfg.Name, g.GIDNumber, g.Name)
	}
	return nil
}
