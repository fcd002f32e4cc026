package quickstart

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/server"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Credentials is initial-credentials.json: the listen address, the admin
// account, then one section per dialect that has something to show.
type Credentials struct {
	Listen   string
	Admin    Admin
	Dialects map[string]any
}

// Admin is the quick start's administrator.
type Admin struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// caller is who the quick start acts as, in the audit log.
var caller = identity.Caller{Name: "quickstart", Dialect: "cli"}

// provision opens the generated configuration's directory, creates the
// containers, the admin group and the admin, and lets each dialect make
// its credentials. It is safe to run again over a directory where an
// earlier, interrupted first start created some of it.
func provision(ctx context.Context, reg config.Registry, cfg *config.Config, log *slog.Logger) (*Credentials, error) {
	audit, closer, err := server.OpenAudit(cfg.Audit)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	core, err := server.OpenCore(ctx, cfg, audit, log, nil)
	if err != nil {
		return nil, fmt.Errorf("quick start: %w", err)
	}
	defer core.Close()
	dom := core.Default()

	password, err := dom.PasswordPolicy().Generate()
	if err != nil {
		return nil, fmt.Errorf("quick start: %w", err)
	}
	if err := createAdmin(ctx, dom, password); err != nil {
		return nil, fmt.Errorf("quick start: %w", err)
	}
	creds := &Credentials{Listen: cfg.Listen, Admin: Admin{Username: AdminUsername, Password: password}, Dialects: map[string]any{}}
	for _, name := range slices.Sorted(maps.Keys(cfg.Dialects)) {
		d := cfg.Dialects[name]
		b, ok := d.Config.(dialect.Bootstrapper)
		if !ok {
			continue
		}
		var listeners []dialect.Listener
		for _, l := range d.Listeners {
			listeners = append(listeners, l.Dialect())
		}
		boot := &dialect.Bootstrap{
			DataDir: cfg.DataDir, AdminUsername: AdminUsername, AdminGroup: AdminGroup,
			Secret: secret, Listeners: listeners, Listen: cfg.Listen,
		}
		section, err := b.Bootstrap(boot)
		if err != nil {
			return nil, fmt.Errorf("quick start: dialect %s: %w", name, err)
		}
		for _, role := range boot.AdminRoleGroups {
			if err := nestAdmins(ctx, dom, role); err != nil {
				return nil, fmt.Errorf("quick start: dialect %s: %w", name, err)
			}
		}
		if section != nil {
			creds.Dialects[name] = section
		}
	}
	if err := cfg.Validate(reg); err != nil {
		return nil, fmt.Errorf("quick start: the generated configuration is not valid:\n%w", err)
	}
	return creds, nil
}

// createAdmin makes the users and groups containers, the plain users
// group, the admin group and the admin in it. What exists already is
// kept, except the admin's password, which is set anew: the only copy of
// the old one was lost with the interrupted first start.
func createAdmin(ctx context.Context, dom *identity.Domain, password string) error {
	dc := dom.Config()
	for _, dn := range []string{dc.UsersDN, dc.GroupsDN} {
		if err := ensureOU(ctx, dom, dn); err != nil {
			return err
		}
	}
	// The primary group of every user created without one: a plain group,
	// never the admin group, so POSIX hosts reading the directory do not
	// see every user as an administrator.
	_, err := dom.CreateGroup(ctx, caller, directory.NewGroup{
		Name: dc.DefaultGroup, Description: "dirgate users: the primary group of users created without one",
	})
	if err != nil && !errors.Is(err, directory.ErrAlreadyExists) {
		return fmt.Errorf("users group: %w", err)
	}
	group, err := dom.CreateGroup(ctx, caller, directory.NewGroup{
		Name: AdminGroup, Description: "dirgate administrators (created by the quick start)",
	})
	if errors.Is(err, directory.ErrAlreadyExists) {
		group, err = dom.GetGroup(ctx, caller, directory.ByName(AdminGroup))
	}
	if err != nil {
		return fmt.Errorf("admin group: %w", err)
	}
	_, err = dom.CreateUser(ctx, caller, directory.NewUser{
		Username: AdminUsername, GIDNumber: group.GIDNumber, DisplayName: "dirgate administrator",
		Password: password,
	})
	if errors.Is(err, directory.ErrAlreadyExists) {
		err = dom.SetPassword(ctx, caller, directory.ByName(AdminUsername), password, false)
	}
	if err != nil {
		return fmt.Errorf("admin account: %w", err)
	}
	err = dom.AddMember(ctx, caller, directory.ByID(group.ID), directory.UserRef(directory.ByName(AdminUsername)))
	if err != nil {
		return fmt.Errorf("admin group membership: %w", err)
	}
	return nil
}

// nestAdmins makes the admin group a member of a dialect's admin role
// group, creating that group when it does not exist: the gateway's admins
// hold the dialect's role, and the role, which the dialect hands out,
// stays the dialect's.
func nestAdmins(ctx context.Context, dom *identity.Domain, role string) error {
	g, err := dom.CreateGroup(ctx, caller, directory.NewGroup{Name: role, Description: "admin role group (created by the quick start)"})
	if errors.Is(err, directory.ErrAlreadyExists) {
		g, err = dom.GetGroup(ctx, caller, directory.ByName(role))
	}
	if err != nil {
		return fmt.Errorf("role group %s: %w", role, err)
	}
	err = dom.AddMember(ctx, caller, directory.ByID(g.ID), directory.GroupRef(directory.ByName(AdminGroup)))
	if err != nil {
		return fmt.Errorf("role group %s: admin group membership: %w", role, err)
	}
	return nil
}

// ensureOU creates the OU at dn (directly under its parent) unless it
// exists.
func ensureOU(ctx context.Context, dom *identity.Domain, dn string) error {
	if _, err := dom.GetOU(ctx, caller, directory.ByDN(dn)); err == nil {
		return nil
	} else if !errors.Is(err, directory.ErrNotFound) {
		return fmt.Errorf("container %s: %w", dn, err)
	}
	name, err := directory.FirstRDNValue(dn)
	if err != nil {
		return fmt.Errorf("container %s: %w", dn, err)
	}
	parent, err := directory.ParentDN(dn)
	if err != nil {
		return fmt.Errorf("container %s: %w", dn, err)
	}
	_, err = dom.CreateOU(ctx, caller, directory.NewOU{ParentDN: parent, Name: name})
	if err != nil && !errors.Is(err, directory.ErrAlreadyExists) {
		return fmt.Errorf("container %s: %w", dn, err)
	}
	return nil
}

// secret returns n random bytes, URL-safe base64 without padding: what
// dialect.Bootstrap.Secret promises.
func secret(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
