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

// Large groups and nested membership on AD.

// AD hands out at most MaxValRange (1500) values of an attribute per read:
// a larger group's member attribute comes back as "member;range=0-1499",
// and the rest must be asked for, range after range, until one ends in
// "*". (Asking with the range option directly works on small groups too,
// but the first read already holds every value of most groups.)

// rangedMemberValues returns every value of attr of a group entry,
// fetching the ranges a large group was cut into.
func rangedMemberValues(ctx context.Context, d hookHost, group *ldap.Entry, attr string) ([]string, error) {
	values, next, more := rangeValues(group, attr)
	if !more {
		return group.GetEqualFoldAttributeValues(attr), nil
	}
	for more {
		e, err := d.readEntry(ctx, group.DN, "(objectClass=*)", []string{fmt.Sprintf("%s;range=%d-*", attr, next)})
		if err != nil {
			return nil, err
		}
		var chunk []string
		chunk, next, more = rangeValues(e, attr)
		if len(chunk) == 0 && more {
			return nil, fmt.Errorf("%w: %s: the server sent an empty range of %s", directory.ErrUnavailable, group.DN, attr)
		}
		values = append(values, chunk...)
	}
	return values, nil
}

// rangeValues finds attr;range=low-high among an entry's attributes and
// returns its values; more says whether values from next on remain (the
// range did not end in "*").
func rangeValues(e *ldap.Entry, attr string) (values []string, next int, more bool) {
	prefix := strings.ToLower(attr) + ";range="
	for _, a := range e.Attributes {
		spec, ok := strings.CutPrefix(strings.ToLower(a.Name), prefix)
		if !ok {
			continue
		}
		_, high, ok := strings.Cut(spec, "-")
		if !ok {
			continue
		}
		if high == "*" {
			return a.Values, 0, false
		}
		h, err := strconv.Atoi(high)
		if err != nil {
			continue
		}
		return a.Values, h + 1, true
	}
	return nil, 0, false
}

// inChain is LDAP_MATCHING_RULE_IN_CHAIN: (member:inChain:=dn) matches the
// groups holding dn directly or through any depth of nesting; the server
// walks the chain (cycles included) in one search.
const inChain = "1.2.840.113556.1.4.1941"

// membersInChain lists a group's members through nesting with one search
// on the server: every user and group below the base that belongs to the
// group at any depth. The group's own member values tell which are
// direct. A cycle back to the group itself is left out.
func (d *Directory) membersInChain(ctx context.Context, g *ldap.Entry, memberAttr string) ([]directory.Member, error) {
	values, err := d.memberValuesOf(ctx, g, memberAttr)
	if err != nil {
		return nil, err
	}
	direct := make(map[string]bool, len(values))
	for _, v := range values {
		direct[norm(v)] = true
	}
	filter := fmt.Sprintf("(&(|%s%s)(memberOf:%s:=%s))", d.userSel, d.groupSel, inChain, ldap.EscapeFilter(g.DN))
	self := norm(g.DN)
	var out []directory.Member
	req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, d.principalAttrs(), nil)
	err = d.searchEach(ctx, req, func(e *ldap.Entry) error {
		k := norm(e.DN)
		if k == self {
			return nil
		}
		if p, ok := d.toPrincipal(e); ok {
			out = append(out, directory.Member{Principal: p, Direct: direct[k]})
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "listing the nested members of "+g.DN)
	}
	return out, nil
}

// memberOfInChain lists the groups below the base holding dn directly or
// through nesting: one search for all, one for the direct ones.
func (d *Directory) memberOfInChain(ctx context.Context, dn string) ([]directory.Membership, error) {
	direct := map[string]bool{}
	err := d.groupsHolding(ctx, []string{dn}, []string{"1.1"}, func(e *ldap.Entry) error {
		direct[norm(e.DN)] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	filter := fmt.Sprintf("(&%s(%s:%s:=%s))", d.groupSel, d.attrs.get(attrMember), inChain, ldap.EscapeFilter(dn))
	self := norm(dn)
	var out []directory.Membership
	req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, d.groupAttrs, nil)
	err = d.searchEach(ctx, req, func(e *ldap.Entry) error {
		if k := norm(e.DN); k != self {
			out = append(out, directory.Membership{Group: d.toGroup(e), Direct: direct[k]})
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "listing the nested memberships of "+dn)
	}
	slices.SortFunc(out, func(a, b directory.Membership) int {
		return strings.Compare(strings.ToLower(a.Group.Name), strings.ToLower(b.Group.Name))
	})
	return out, nil
}
