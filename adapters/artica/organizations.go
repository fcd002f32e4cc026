package artica

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
)

// organization is one Artica organization: where its users and groups
// live and its default group (gpid 0).
type organization struct {
	Name         string
	UsersDN      string
	GroupsDN     string
	DefaultGroup string

	// mu serialises the first use, which creates what is missing; ready
	// and defaultGID are remembered once that worked.
	mu         sync.Mutex
	ready      bool
	defaultGID int64
}

func newOrganization(c *Config, name, suffix string) (*organization, error) {
	users, err := expandTemplate(c.UsersDN, name, suffix)
	if err != nil {
		return nil, fmt.Errorf("usersDN: %w", err)
	}
	groups, err := expandTemplate(c.GroupsDN, name, suffix)
	if err != nil {
		return nil, fmt.Errorf("groupsDN: %w", err)
	}
	for _, dn := range []string{users, groups} {
		if !directory.IsUnder(dn, suffix) || directory.EqualDN(dn, suffix) {
			return nil, fmt.Errorf("%s is not below the domain's base %s", dn, suffix)
		}
	}
	return &organization{
		Name:         name,
		UsersDN:      users,
		GroupsDN:     groups,
		DefaultGroup: strings.ReplaceAll(c.DefaultGroup, "{org}", name),
	}, nil
}

// embeddedBackend is the Capabilities().Backend of the embedded store.
const embeddedBackend = "embedded"

// onlyOUsBelow refuses containers the embedded store cannot hold: every
// entry between the base and each dn must be an OU.
func onlyOUsBelow(base string, dns ...string) error {
	for _, dn := range dns {
		chain, err := pathBelow(dn, base)
		if err != nil {
			return err
		}
		for _, entry := range chain {
			parsed, err := directory.ParseDN(entry)
			if err != nil {
				return err
			}
			if !strings.EqualFold(parsed.RDNs[0].Attributes[0].Type, "ou") {
				return fmt.Errorf("%s: the embedded store keeps only ou= containers, not %s", dn, entry)
			}
		}
	}
	return nil
}

// errUnknownOrganization: the request names an organization that is not
// configured.
var errUnknownOrganization = errors.New("unknown organization")

// organization looks up the organization a request names, refusing
// unknown names instead of falling back to a default.
func (d *Dialect) organization(name string) (*organization, error) {
	if err := checkName(name); err != nil {
		if errors.Is(err, errEmptyName) {
			return nil, badRequest("ou is required")
		}
		return nil, badRequest("ou %q %s", name, err)
	}
	org, ok := d.byName[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("%w %q", errUnknownOrganization, name)
	}
	return org, nil
}

// organizationOf names the organization an entry lives in ("" when none).
func (d *Dialect) organizationOf(dn string) string {
	for _, org := range d.orgs {
		if directory.IsUnder(dn, org.UsersDN) || directory.IsUnder(dn, org.GroupsDN) {
			return org.Name
		}
	}
	return ""
}

// listOrganizations answers GET /openldap/ous: the configured
// organizations (one unless multiple organizations are enabled).
func (d *Dialect) listOrganizations(c echo.Context) error {
	names := make([]string, 0, len(d.orgs))
	for _, org := range d.orgs {
		names = append(names, org.Name)
	}
	return d.data(c, names)
}
