package ldap

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Finding entries by a Ref. Every value goes into its filter through
// ldap.EscapeFilter where the filter is built: here for lookups, as
// filter.go does for the filter language, members.go and ad_members.go
// for memberships and ous.go for Resolve.

// kindSpec says how refs of one kind of entry are resolved.
type kindSpec struct {
	what      string // for messages
	sel       string // filter selecting entries of the kind
	nameKey   string // model key of the name ("" = no lookup by name)
	numberKey string // model key of the number ("" = none)
}

func (d *Directory) userSpec() kindSpec {
	return kindSpec{"user", d.userSel, attrUsername, attrUIDNumber}
}

func (d *Directory) groupSpec() kindSpec {
	return kindSpec{"group", d.groupSel, attrGroupName, attrGIDNumber}
}

func (d *Directory) ouSpec() kindSpec { return kindSpec{"OU", d.ouSel, "", ""} }

// classFilter selects entries having any of the classes.
func classFilter(classes ...string) string {
	if len(classes) == 1 {
		return "(objectClass=" + ldap.EscapeFilter(classes[0]) + ")"
	}
	f := "(|"
	for _, c := range classes {
		f += "(objectClass=" + ldap.EscapeFilter(c) + ")"
	}
	return f + ")"
}

// find resolves ref to exactly one entry of the kind.
func (d *Directory) find(ctx context.Context, spec kindSpec, ref directory.Ref, attrs []string) (*ldap.Entry, error) {
	if !ref.Valid() {
		return nil, invalid("no %s given", spec.what)
	}
	var cond string
	switch ref.Kind {
	case directory.RefDN:
		if _, err := directory.ParseDN(ref.Value); err != nil {
			return nil, err
		}
		if !directory.IsUnder(ref.Value, d.base) {
			return nil, notFound("%s %s lies outside %s", spec.what, ref.Value, d.base)
		}
		return d.readEntry(ctx, ref.Value, spec.sel, attrs)
	case directory.RefID:
		v, ok := d.prof.ids.assertion(ref.Value)
		if !ok {
			return nil, notFound("%s %s: not an id", spec.what, ref)
		}
		cond = fmt.Sprintf("(%s=%s)", d.attrs.get(attrID), v)
	case directory.RefName:
		if spec.nameKey == "" {
			return nil, invalid("an %s is found by id or DN, not by name (names are ambiguous)", spec.what)
		}
		cond = fmt.Sprintf("(%s=%s)", d.attrs.get(spec.nameKey), ldap.EscapeFilter(ref.Value))
	case directory.RefNumber:
		if spec.numberKey == "" || d.attrs.get(spec.numberKey) == "" {
			return nil, invalid("an %s has no number", spec.what)
		}
		cond = fmt.Sprintf("(%s=%s)", d.attrs.get(spec.numberKey), strconv.FormatInt(ref.Number, 10))
	default:
		return nil, invalid("unknown reference kind %v", ref.Kind)
	}
	found, err := d.searchFew(ctx, d.base, "(&"+spec.sel+cond+")", attrs, 2)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, notFound("%s %s", spec.what, ref)
	case 1:
		return found[0], nil
	default:
		return nil, invalid("%s %s is ambiguous: %s and %s (use the id or DN)", spec.what, ref, found[0].DN, found[1].DN)
	}
}

// nameTaken reports an existing entry of the kind with that name anywhere
// under the base, other than except (a DN, for renames to another case).
func (d *Directory) nameTaken(ctx context.Context, spec kindSpec, name, except string) error {
	base, sel, what := d.base, spec.sel, spec.what
	if d.prof.quirks.domainNames {
		// One namespace for every account and group of the domain.
		dom, err := d.domainDN(ctx)
		if err != nil {
			return err
		}
		base, sel, what = dom, "", "the name of "+spec.what
	}
	filter := fmt.Sprintf("(&%s(%s=%s))", sel, d.attrs.get(spec.nameKey), ldap.EscapeFilter(name))
	found, err := d.searchFew(ctx, base, filter, []string{"1.1"}, 2)
	if err != nil {
		return err
	}
	for _, e := range found {
		if except == "" || !directory.EqualDN(e.DN, except) {
			return fmt.Errorf("%w: %s %q is taken: %s", directory.ErrAlreadyExists, what, name, e.DN)
		}
	}
	return nil
}

// userTaken reports an entry holding a new user's name or uidNumber (n,
// 0 for none). Where both are asked of the same entries it is one search;
// the domainNames quirk asks the name of every account of the domain.
func (d *Directory) userTaken(ctx context.Context, name string, n int64) error {
	spec := d.userSpec()
	nameAttr, numAttr := d.attrs.get(spec.nameKey), d.attrs.get(spec.numberKey)
	if d.prof.quirks.domainNames || n <= 0 || numAttr == "" {
		if err := d.nameTaken(ctx, spec, name, ""); err != nil {
			return err
		}
		return d.numberTaken(ctx, spec, n, "")
	}
	filter := fmt.Sprintf("(&%s(|(%s=%s)(%s=%d)))", spec.sel, nameAttr, ldap.EscapeFilter(name), numAttr, n)
	found, err := d.searchFew(ctx, d.base, filter, []string{nameAttr, numAttr}, 2)
	if err != nil {
		return err
	}
	for _, e := range found {
		if slices.ContainsFunc(e.GetEqualFoldAttributeValues(nameAttr), func(v string) bool { return strings.EqualFold(v, name) }) {
			return fmt.Errorf("%w: %s %q is taken: %s", directory.ErrAlreadyExists, spec.what, name, e.DN)
		}
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: %s %s %d is used by %s", directory.ErrAlreadyExists, spec.what, numAttr, n, found[0].DN)
	}
	return nil
}

// numberTaken reports an entry of the kind (other than except) holding
// number n (uidNumber of users, gidNumber of groups); 0 is never taken.
func (d *Directory) numberTaken(ctx context.Context, spec kindSpec, n int64, except string) error {
	attr := d.attrs.get(spec.numberKey)
	if n <= 0 || attr == "" {
		return nil
	}
	filter := fmt.Sprintf("(&%s(%s=%d))", spec.sel, attr, n)
	found, err := d.searchFew(ctx, d.base, filter, []string{"1.1"}, 2)
	if err != nil {
		return err
	}
	for _, e := range found {
		if except == "" || !directory.EqualDN(e.DN, except) {
			return fmt.Errorf("%w: %s %s %d is used by %s", directory.ErrAlreadyExists, spec.what, attr, n, e.DN)
		}
	}
	return nil
}

// checkParent validates a container DN a new or moved entry goes under.
func (d *Directory) checkParent(parent string) error {
	if _, err := directory.ParseDN(parent); err != nil {
		return err
	}
	if !directory.IsUnder(parent, d.base) {
		return invalid("%s lies outside the base %s", parent, d.base)
	}
	return nil
}

// parentOf returns the parent DN of dn.
func parentOf(dn string) string {
	p, _ := directory.ParentDN(dn)
	return p
}

// firstRDN returns the first RDN of dn, rendered per RFC 4514, and its
// attribute type.
func firstRDN(dn string) (rdn, attr string, err error) {
	parsed, err := directory.ParseDN(dn)
	if err != nil {
		return "", "", err
	}
	first := &ldap.DN{RDNs: parsed.RDNs[:1]}
	return directory.FormatDN(first), parsed.RDNs[0].Attributes[0].Type, nil
}

// checkContainer checks where a new or moved entry is to live: a DN inside
// the base naming an OU, the base or another container — never a user or
// a group, which an LDAP server would accept as a parent (a client giving
// a user's DN where an OU belongs would otherwise file entries under it).
func (d *Directory) checkContainer(ctx context.Context, parent string) error {
	if err := d.checkParent(parent); err != nil {
		return err
	}
	e, err := d.readEntry(ctx, parent, "(objectClass=*)", []string{"objectClass"})
	if err != nil {
		if isNotFound(err) {
			return notFound("the container %s does not exist", parent)
		}
		return err
	}
	classes := e.GetEqualFoldAttributeValues("objectClass")
	for _, c := range append([]string{d.userClass}, d.groupClasses...) {
		if slices.ContainsFunc(classes, func(v string) bool { return strings.EqualFold(v, c) }) {
			return invalid("%s is a user or a group, not an OU or container", parent)
		}
	}
	return nil
}
