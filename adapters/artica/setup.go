package artica

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// ready makes sure the organization's containers and default group exist,
// creating what is missing through the core, and returns the default
// group's gid. It is idempotent and safe against other replicas doing the
// same at once.
func (d *Dialect) ready(ctx context.Context, c echo.Context, org *organization) (int64, error) {
	org.mu.Lock()
	defer org.mu.Unlock()
	if org.ready {
		return org.defaultGID, nil
	}
	// Setting up a configured organization is the configuration's doing,
	// not the caller's: it runs unrestricted, and the audit log names it.
	setup := dialect.Caller(c, Name, "artica-setup", identity.Scope{})
	for _, dn := range []string{org.UsersDN, org.GroupsDN} {
		if err := d.ensurePath(ctx, setup, dn); err != nil {
			return 0, fmt.Errorf("organization %s: %w", org.Name, err)
		}
	}
	gid, err := d.ensureDefaultGroup(ctx, setup, org)
	if err != nil {
		return 0, fmt.Errorf("organization %s: default group: %w", org.Name, err)
	}
	org.ready, org.defaultGID = true, gid
	return gid, nil
}

// forget makes the next use set the organization up again.
func (o *organization) forget() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ready = false
}

// ensurePath creates every missing entry from the domain's base down to
// dn: OUs through CreateOU, other containers (Artica's dc=organizations)
// through a one-entry LDIF import that leaves existing entries alone.
func (d *Dialect) ensurePath(ctx context.Context, c identity.Caller, dn string) error {
	chain, err := pathBelow(dn, d.domain.BaseDN())
	if err != nil {
		return err
	}
	for _, entry := range chain {
		exists, err := d.exists(ctx, c, entry)
		if err != nil {
			return err
		}
		if exists {
			continue
		}
		if err := d.createContainer(ctx, c, entry); err != nil && !errors.Is(err, directory.ErrAlreadyExists) {
			return fmt.Errorf("create %s: %w", entry, err)
		}
	}
	return nil
}

// pathBelow lists the DNs from just below base down to dn, top first.
func pathBelow(dn, base string) ([]string, error) {
	parsed, err := directory.ParseDN(dn)
	if err != nil {
		return nil, err
	}
	var chain []string
	for i := range parsed.RDNs {
		sub := directory.FormatDN(&ldap.DN{RDNs: parsed.RDNs[i:]})
		if directory.EqualDN(sub, base) {
			return chain, nil
		}
		chain = append([]string{sub}, chain...)
	}
	return nil, fmt.Errorf("%w: %s is not below %s", directory.ErrInvalidInput, dn, base)
}

// exists reports whether the entry at dn exists, by listing its parent.
func (d *Dialect) exists(ctx context.Context, c identity.Caller, dn string) (bool, error) {
	parent, err := directory.ParentDN(dn)
	if err != nil {
		return false, err
	}
	children, err := d.domain.Children(ctx, c, parent)
	if errors.Is(err, directory.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, child := range children {
		if directory.EqualDN(child.DN, dn) {
			return true, nil
		}
	}
	return false, nil
}

func (d *Dialect) createContainer(ctx context.Context, c identity.Caller, dn string) error {
	parsed, err := directory.ParseDN(dn)
	if err != nil {
		return err
	}
	rdn := parsed.RDNs[0].Attributes[0]
	parent, err := directory.ParentDN(dn)
	if err != nil {
		return err
	}
	if strings.EqualFold(rdn.Type, "ou") {
		_, err := d.domain.CreateOU(ctx, c, directory.NewOU{ParentDN: parent, Name: rdn.Value})
		return err
	}
	ldif, err := containerLDIF(dn, rdn.Type, rdn.Value)
	if err != nil {
		return err
	}
	// A one-entry import that leaves existing entries alone: it needs the
	// core's restore right, which the setup, acting for the
	// configuration, holds for this alone.
	c.Scope.Restore = true
	_, err = d.domain.Import(ctx, c, strings.NewReader(ldif), false)
	return err
}

// containerLDIF is the entry of a non-OU container: a dc= entry is a
// cosine "domain", an o= entry an "organization".
func containerLDIF(dn, attr, value string) (string, error) {
	var class string
	switch strings.ToLower(attr) {
	case "dc":
		class, attr = "domain", "dc"
	case "o":
		class, attr = "organization", "o"
	default:
		return "", fmt.Errorf("%w: cannot create the container %s: only ou=, dc= and o= containers are created", directory.ErrNotSupported, dn)
	}
	return ldifLine("dn", dn) + "objectClass: top\nobjectClass: " + class + "\n" + ldifLine(attr, value), nil
}

// ldifLine writes one attribute, base64-encoded when RFC 2849 requires it.
func ldifLine(attr, value string) string {
	safe := value == "" || (value[0] != ' ' && value[0] != ':' && value[0] != '<' && value[len(value)-1] != ' ')
	for i := 0; safe && i < len(value); i++ {
		if value[i] == 0 || value[i] == '\n' || value[i] == '\r' || value[i] > 127 {
			safe = false
		}
	}
	if safe {
		return attr + ": " + value + "\n"
	}
	return attr + ":: " + base64.StdEncoding.EncodeToString([]byte(value)) + "\n"
}

// ensureDefaultGroup finds or creates the organization's default group
// and returns its gid.
func (d *Dialect) ensureDefaultGroup(ctx context.Context, c identity.Caller, org *organization) (int64, error) {
	for attempt := 0; attempt < 2; attempt++ {
		g, err := d.domain.GetGroup(ctx, c, directory.ByName(org.DefaultGroup))
		if err == nil {
			if !directory.IsUnder(g.DN, org.GroupsDN) {
				return 0, fmt.Errorf("%w: a group named %q exists outside %s", directory.ErrAlreadyExists, org.DefaultGroup, org.GroupsDN)
			}
			return g.GIDNumber, nil
		}
		if !errors.Is(err, directory.ErrNotFound) {
			return 0, err
		}
		g, err = d.domain.CreateGroup(ctx, c, directory.NewGroup{
			ParentDN:    org.GroupsDN,
			Name:        org.DefaultGroup,
			Description: "Default group of the organization " + org.Name,
		})
		if err == nil {
			return g.GIDNumber, nil
		}
		if !errors.Is(err, directory.ErrAlreadyExists) {
			return 0, err
		}
		// Another replica created it first: read it again.
	}
	return 0, fmt.Errorf("%w: default group %q", directory.ErrConflict, org.DefaultGroup)
}
