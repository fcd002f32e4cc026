package ldap

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"
	"golang.org/x/net/idna"

	"github.com/dirgate/dirgate/pkg/directory"
)

// memberValue resolves a principal to the value a group stores for it: its
// DN (groupOfNames) or its username (posixGroup). groupDN is the group it
// is for, which it may not be.
func (d *Directory) memberValue(ctx context.Context, p directory.PrincipalRef, groupDN string) (string, error) {
	switch p.Type {
	case directory.PrincipalUser:
		e, err := d.find(ctx, d.userSpec(), p.Ref, []string{d.attrs.get(attrUsername)})
		if err != nil {
			return "", err
		}
		if d.model.byDN() {
			return e.DN, nil
		}
		return memberUIDOf(d.val(e, attrUsername)), nil
	case directory.PrincipalGroup:
		e, err := d.find(ctx, d.groupSpec(), p.Ref, []string{"1.1"})
		if err != nil {
			return "", err
		}
		if !d.model.nested() {
			return "", errNoNesting(d.model.name())
		}
		if directory.EqualDN(e.DN, groupDN) {
			return "", invalid("a group cannot be a member of itself")
		}
		return e.DN, nil
	}
	return "", invalid("unknown principal type %q", p.Type)
}

// AddMember adds a principal to a group; a present member is not an error.
func (d *Directory) AddMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	g, err := d.find(ctx, d.groupSpec(), group, []string{"1.1"})
	if err != nil {
		return err
	}
	v, err := d.memberValue(ctx, member, g.DN)
	if err != nil {
		return err
	}
	return d.addMemberValue(ctx, g.DN, v)
}

// addMemberValue adds v to a group. With a placeholder model, a group
// that holds members (nearly every group a member joins) takes v in one
// modify asserting that the placeholder is absent (RFC 4528); an empty
// one, where that assertion fails, swaps the placeholder for v in one
// modify. A server without the assertion control gets the swap first,
// which fails (no such value) unless the group was empty, then v alone:
// two modifies, each rewriting the group (test/load: an Artica create's
// slapd CPU).
func (d *Directory) addMemberValue(ctx context.Context, groupDN, v string) error {
	attr := d.attrs.get(d.model.memberAttr())
	add := ldap.Change{Operation: ldap.AddAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{v}}}
	if ph, ok := d.model.placeholder(); ok {
		if absent, ok := assertAbsent(attr, ph); ok {
			err := d.modify(ctx, groupDN, []ldap.Change{add}, absent)
			switch {
			case err == nil, isCode(err, ldap.LDAPResultAttributeOrValueExists):
				return nil
			case !isCode(err, ldap.LDAPResultAssertionFailed, ldap.LDAPResultUnavailableCriticalExtension):
				return wrap(err, "adding a member to "+groupDN)
			}
		}
		del := ldap.Change{Operation: ldap.DeleteAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{ph}}}
		err := d.modify(ctx, groupDN, []ldap.Change{add, del})
		switch {
		case err == nil, isCode(err, ldap.LDAPResultAttributeOrValueExists):
			return nil
		case !isCode(err, ldap.LDAPResultNoSuchAttribute):
			return wrap(err, "adding a member to "+groupDN)
		}
	}
	err := d.modify(ctx, groupDN, []ldap.Change{add})
	// AD answers a present linked value with entryAlreadyExists.
	if err == nil || isCode(err, ldap.LDAPResultAttributeOrValueExists, ldap.LDAPResultEntryAlreadyExists) {
		return nil
	}
	return wrap(err, "adding a member to "+groupDN)
}

// RemoveMember removes a direct member; an absent one is ErrNotFound.
func (d *Directory) RemoveMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	g, err := d.find(ctx, d.groupSpec(), group, []string{"1.1"})
	if err != nil {
		return err
	}
	if member.Type == directory.PrincipalGroup && !d.model.nested() {
		return notFound("groups hold no groups in the %s model", d.model.name())
	}
	v, err := d.memberValue(ctx, member, g.DN)
	if err != nil {
		return err
	}
	err = d.removeMemberValue(ctx, g.DN, v)
	if isCode(err, ldap.LDAPResultNoSuchAttribute) || d.prof.quirks.linkedMembers && isCode(err, ldap.LDAPResultUnwillingToPerform) {
		return wrapAs(directory.ErrNotFound, err, fmt.Sprintf("%s is not a member of %s", member.Ref, g.DN))
	}
	return wrap(err, "removing a member from "+g.DN)
}

// removeMemberValue deletes v from a group; removing the last member of a
// placeholder model puts the placeholder back in the same modify.
func (d *Directory) removeMemberValue(ctx context.Context, groupDN, v string) error {
	attr := d.attrs.get(d.model.memberAttr())
	del := ldap.Change{Operation: ldap.DeleteAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{v}}}
	err := d.modify(ctx, groupDN, []ldap.Change{del})
	if ph, ok := d.model.placeholder(); ok && isCode(err, ldap.LDAPResultObjectClassViolation) {
		add := ldap.Change{Operation: ldap.AddAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{ph}}}
		err = d.modify(ctx, groupDN, []ldap.Change{del, add})
	}
	return err
}

// groupsHolding streams the groups (under the base) holding one of values
// as a member, in chunks that keep filters short.
func (d *Directory) groupsHolding(ctx context.Context, values []string, attrs []string, fn func(*ldap.Entry) error) error {
	return d.groupsHoldingOr(ctx, values, "", attrs, fn)
}

// groupsHoldingOr is groupsHolding whose first search also returns the
// entries matching the filter also ("" none).
func (d *Directory) groupsHoldingOr(ctx context.Context, values []string, also string, attrs []string, fn func(*ldap.Entry) error) error {
	attr := d.attrs.get(d.model.memberAttr())
	for chunk := range slices.Chunk(values, 50) {
		var b strings.Builder
		if also != "" {
			b.WriteString("(|")
		}
		b.WriteString("(&" + d.groupSel + "(|")
		for _, v := range chunk {
			fmt.Fprintf(&b, "(%s=%s)", attr, ldap.EscapeFilter(v))
		}
		b.WriteString("))")
		if also != "" {
			b.WriteString(also + ")")
			also = ""
		}
		req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, b.String(), attrs, nil)
		if err := d.searchEach(ctx, req, fn); err != nil {
			return wrap(err, "searching the groups holding a member")
		}
	}
	return nil
}

// renameMemberRefs updates the groups that hold a principal whose DN (and,
// for users, username) changed. It tolerates refint having done it first.
func (d *Directory) renameMemberRefs(ctx context.Context, oldDN, newDN, oldName, newName string) error {
	if d.prof.quirks.linkedMembers {
		return nil // the server moved the references with the entry
	}
	oldV, newV := oldDN, newDN
	if !d.model.byDN() {
		if oldName == "" || oldName == newName {
			return nil // memberUid does not change with the DN
		}
		oldV, newV = memberUIDOf(oldName), memberUIDOf(newName)
	}
	var groups []string
	err := d.groupsHolding(ctx, []string{oldV}, []string{"1.1"}, func(e *ldap.Entry) error {
		groups = append(groups, e.DN)
		return nil
	})
	if err != nil {
		return err
	}
	attr := d.attrs.get(d.model.memberAttr())
	for _, g := range groups {
		err := d.modify(ctx, g, []ldap.Change{{Operation: ldap.AddAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{newV}}}})
		if err != nil && !isCode(err, ldap.LDAPResultAttributeOrValueExists) {
			return wrap(err, "updating the membership in "+g)
		}
		err = d.modify(ctx, g, []ldap.Change{{Operation: ldap.DeleteAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{oldV}}}})
		if err != nil && !isCode(err, ldap.LDAPResultNoSuchAttribute) {
			return wrap(err, "updating the membership in "+g)
		}
	}
	return nil
}

// removeMemberRefs removes a deleted principal from every group.
func (d *Directory) removeMemberRefs(ctx context.Context, dn, username string) error {
	if d.prof.quirks.linkedMembers {
		return nil // the server removed the references with the entry
	}
	v := dn
	if !d.model.byDN() {
		if username == "" {
			return nil
		}
		v = memberUIDOf(username)
	}
	var groups []string
	err := d.groupsHolding(ctx, []string{v}, []string{"1.1"}, func(e *ldap.Entry) error {
		groups = append(groups, e.DN)
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := d.removeMemberValue(ctx, g, v); err != nil && !isCode(err, ldap.LDAPResultNoSuchAttribute) {
			return wrap(err, "removing a deleted member from "+g)
		}
	}
	return nil
}

// Members lists a group's members; with indirect, also the members of
// nested groups, each principal once, walking each group once (cycles
// end the walk).
func (d *Directory) Members(ctx context.Context, group directory.Ref, indirect bool) ([]directory.Member, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	memberAttr := d.attrs.get(d.model.memberAttr())
	g, err := d.find(ctx, d.groupSpec(), group, []string{memberAttr})
	if err != nil {
		return nil, err
	}
	if indirect && d.prof.quirks.inChain {
		return d.membersInChain(ctx, g, memberAttr)
	}
	var out []directory.Member
	seen := map[string]int{} // normalized DN → index in out
	start := norm(g.DN)
	visited := map[string]bool{start: true}
	queue := []*ldap.Entry{g}
	for depth := 0; len(queue) > 0; depth++ {
		var next []*ldap.Entry
		for _, ge := range queue {
			values, err := d.memberValuesOf(ctx, ge, memberAttr)
			if err != nil {
				return nil, err
			}
			principals, groups, err := d.resolveMembers(ctx, values)
			if err != nil {
				return nil, err
			}
			for _, p := range principals {
				k := norm(p.DN)
				if k == start {
					continue // a cycle back to the group itself
				}
				if i, ok := seen[k]; ok {
					out[i].Direct = out[i].Direct || depth == 0
					continue
				}
				seen[k] = len(out)
				out = append(out, directory.Member{Principal: p, Direct: depth == 0})
			}
			if indirect {
				for _, sub := range groups {
					if k := norm(sub.DN); !visited[k] {
						visited[k] = true
						next = append(next, sub)
					}
				}
			}
		}
		queue = next
	}
	return out, nil
}

// memberValuesOf returns the member values of a group entry read with
// the member attribute, through the profile's hook when it has one.
func (d *Directory) memberValuesOf(ctx context.Context, group *ldap.Entry, attr string) ([]string, error) {
	if d.prof.memberValues != nil {
		return d.prof.memberValues(ctx, d, group, attr)
	}
	return group.GetEqualFoldAttributeValues(attr), nil
}

// resolveMembers turns stored member values into principals, and returns
// the member groups' entries (with their member values) for the walk.
// Values naming nothing (a deleted entry, the placeholder) are skipped.
func (d *Directory) resolveMembers(ctx context.Context, values []string) ([]directory.Principal, []*ldap.Entry, error) {
	attrs := append(d.principalAttrs(), d.attrs.get(d.model.memberAttr()))
	var entries []*ldap.Entry
	var err error
	if d.model.byDN() {
		values = slices.DeleteFunc(values, func(v string) bool { return v == "" })
		entries, err = d.readMany(ctx, values, attrs)
	} else {
		entries, err = d.usersNamed(ctx, values, attrs)
	}
	if err != nil {
		return nil, nil, err
	}
	var principals []directory.Principal
	var groups []*ldap.Entry
	for _, e := range entries {
		p, ok := d.toPrincipal(e)
		if !ok {
			continue
		}
		principals = append(principals, p)
		if p.Type == directory.PrincipalGroup {
			groups = append(groups, e)
		}
	}
	return principals, groups, nil
}

// readMany reads entries by DN: base-object searches pipelined on one
// connection (go-ldap multiplexes requests by message id), so a group of
// thousands costs a few round trips of latency, not thousands. Missing
// entries are left out; entries outside the base are not read.
func (d *Directory) readMany(ctx context.Context, dns []string, attrs []string) ([]*ldap.Entry, error) {
	dns = slices.DeleteFunc(slices.Clone(dns), func(dn string) bool { return !directory.IsUnder(dn, d.base) })
	if len(dns) == 0 {
		return nil, nil
	}
	found := make([]*ldap.Entry, len(dns))
	err := d.read(ctx, func(c *conn) error {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var first error
		sem := make(chan struct{}, 32)
		for i, dn := range dns {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				res, err := c.Search(ldap.NewSearchRequest(d.wireDN(dn), ldap.ScopeBaseObject, ldap.NeverDerefAliases,
					0, 0, false, "(objectClass=*)", attrs, nil))
				switch {
				case err == nil && len(res.Entries) > 0:
					found[i] = res.Entries[0]
				case err != nil && !isCode(err, ldap.LDAPResultNoSuchObject):
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return first
	})
	if err != nil {
		return nil, wrap(err, "reading members")
	}
	return slices.DeleteFunc(found, func(e *ldap.Entry) bool { return e == nil }), nil
}

// usersNamed finds the users named by memberUid values.
func (d *Directory) usersNamed(ctx context.Context, names []string, attrs []string) ([]*ldap.Entry, error) {
	uidAttr := d.attrs.get(attrUsername)
	var out []*ldap.Entry
	for chunk := range slices.Chunk(names, 50) {
		var b strings.Builder
		b.WriteString("(&" + d.userSel + "(|")
		for _, n := range chunk {
			fmt.Fprintf(&b, "(%s=%s)", uidAttr, ldap.EscapeFilter(usernameOf(n)))
		}
		b.WriteString("))")
		req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, b.String(), attrs, nil)
		err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
			out = append(out, e)
			return nil
		})
		if err != nil {
			return nil, wrap(err, "reading members")
		}
	}
	return out, nil
}

// MemberOf lists the groups a principal belongs to: directly, and with
// indirect through nesting (walking up, each group once).
func (d *Directory) MemberOf(ctx context.Context, member directory.PrincipalRef, indirect bool) ([]directory.Membership, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if d.walksFromUserDN(member) {
		return d.memberOfUserDN(ctx, member.Ref.Value, indirect)
	}
	var value, dn string
	switch member.Type {
	case directory.PrincipalUser:
		e, err := d.find(ctx, d.userSpec(), member.Ref, []string{d.attrs.get(attrUsername)})
		if err != nil {
			return nil, err
		}
		dn, value = e.DN, e.DN
		if !d.model.byDN() {
			value = memberUIDOf(d.val(e, attrUsername))
		}
	case directory.PrincipalGroup:
		e, err := d.find(ctx, d.groupSpec(), member.Ref, []string{"1.1"})
		if err != nil {
			return nil, err
		}
		if !d.model.nested() {
			return nil, nil // groups belong to no group in this model
		}
		dn, value = e.DN, e.DN
	default:
		return nil, invalid("unknown principal type %q", member.Type)
	}
	if indirect && d.prof.quirks.inChain {
		return d.memberOfInChain(ctx, dn)
	}
	out, _, err := d.walkUp(ctx, dn, value, "", indirect)
	return out, err
}

// walksFromUserDN: a user named by DN needs no read before the walk,
// since groups store its DN, and the walk's first search can tell
// whether the user exists (filtering on the DN attribute). Servers that
// walk nesting themselves (AD, which also wants DNs escaped its own way)
// keep the read.
func (d *Directory) walksFromUserDN(member directory.PrincipalRef) bool {
	return member.Type == directory.PrincipalUser && member.Ref.Kind == directory.RefDN &&
		d.model.byDN() && !d.prof.quirks.inChain && d.attrs.get(attrDN) != ""
}

// memberOfUserDN is MemberOf for a user named by DN, in one search fewer:
// the first search of the walk also asks for the user's own entry. Only
// when that does not come back is the user read as before, so that a DN
// naming no user fails as it did (ErrNotFound, or ErrInvalidInput for a
// DN the server cannot take).
func (d *Directory) memberOfUserDN(ctx context.Context, dn string, indirect bool) ([]directory.Membership, error) {
	if _, err := directory.ParseDN(dn); err != nil {
		return nil, err
	}
	if !directory.IsUnder(dn, d.base) {
		return nil, notFound("user %s lies outside %s", dn, d.base)
	}
	self := fmt.Sprintf("(&%s(%s=%s))", d.userSel, d.attrs.get(attrDN), ldap.EscapeFilter(dn))
	out, found, err := d.walkUp(ctx, dn, dn, self, indirect)
	if err != nil {
		return nil, err
	}
	if !found {
		if _, err := d.find(ctx, d.userSpec(), directory.ByDN(dn), []string{"1.1"}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// walkUp lists the groups holding the principal at dn (stored in groups
// as value), and with indirect and a nesting model the groups holding
// those, breadth first, each group once, so cycles end the walk. Where
// the server keeps memberOf, only groups carrying it are walked from: the
// others belong to no group, and the usual walk ends after one search.
//
// self, when given, is a filter matching the principal's own entry, which
// the first search then returns too: found reports whether it did.
func (d *Directory) walkUp(ctx context.Context, dn, value, self string, indirect bool) (out []directory.Membership, found bool, err error) {
	indirect = indirect && d.model.byDN()
	attrs := d.groupAttrs
	memberOf := ""
	if indirect {
		if memberOf = d.attrs.get(attrMemberOf); memberOf != "" {
			attrs = append(slices.Clip(attrs), memberOf)
		}
	}
	start := norm(dn)
	seen := map[string]bool{start: true}
	frontier := []string{value}
	for depth := 0; len(frontier) > 0; depth++ {
		var next []string
		err := d.groupsHoldingOr(ctx, frontier, self, attrs, func(e *ldap.Entry) error {
			k := norm(e.DN)
			if self != "" && (k == start || !d.isGroup(e)) {
				// The principal's own entry: every other answer is a group.
				found = true
				return nil
			}
			if seen[k] {
				return nil
			}
			seen[k] = true
			out = append(out, directory.Membership{Group: d.toGroup(e), Direct: depth == 0})
			if memberOf == "" || len(e.GetEqualFoldAttributeValues(memberOf)) > 0 {
				next = append(next, e.DN)
			}
			return nil
		})
		if err != nil {
			return nil, false, err
		}
		if !indirect {
			break
		}
		frontier, self = next, ""
	}
	slices.SortFunc(out, func(a, b directory.Membership) int {
		return strings.Compare(strings.ToLower(a.Group.Name), strings.ToLower(b.Group.Name))
	})
	return out, found, nil
}

// norm is a DN's comparison key (RFC 4514, case-insensitive); a DN that
// does not parse is its own key.
func norm(dn string) string {
	n, err := directory.NormalizeDN(dn)
	if err != nil {
		return dn
	}
	return n
}

// memberUid is an IA5String (ASCII) in the nis schema, while usernames
// (uid) are UTF-8. A username outside ASCII is stored in memberUid in its
// IDNA punycode form ("jürgen" → "xn--jrgen-kva"), as DNS stores such
// names; the form is reversible and keeps case. Such a name is no valid
// POSIX account name, so NSS clients lose nothing they could have used.

// memberUIDOf returns the memberUid value for a username.
func memberUIDOf(username string) string {
	if isASCII(username) {
		return username
	}
	if a, err := idna.Punycode.ToASCII(username); err == nil {
		return a
	}
	return username // the server refuses it with a clear syntax error
}

// usernameOf returns the username a memberUid value stands for.
func usernameOf(v string) string {
	if !strings.Contains(v, "xn--") {
		return v
	}
	if u, err := idna.Punycode.ToUnicode(v); err == nil {
		return u
	}
	return v
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
