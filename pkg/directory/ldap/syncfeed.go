package ldap

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The read model's feed on OpenLDAP: syncrepl refreshAndPersist (RFC 4533)
// over the whole base, through go-ldap's Conn.Syncrepl and its sync
// controls. Entries are mapped by the same functions as the backend's own
// reads (toUser, toGroup, toOU), so the model holds what a read would
// return. Active Directory's feed polls, by DirSync or uSNChanged (adfeed.go).

// ErrReadModelUnsupported: this backend's profile has no feed yet.
var ErrReadModelUnsupported = errors.New("ldap: the read model is not yet supported on this profile")

// ReadModelFeed returns the change stream that keeps a read model of this
// directory.
func (d *Directory) ReadModelFeed() (readmodel.Feed, error) {
	switch d.prof.name {
	case "openldap":
		return &syncFeed{d: d}, nil
	case "ad":
		return newADFeed(d), nil
	}
	return nil, fmt.Errorf("%w (%s)", ErrReadModelUnsupported, d.prof.name)
}

type syncFeed struct{ d *Directory }

// matchingRules are the matching rules of the attributes dirgate's
// OpenLDAP layout stores the searchable fields in (core, cosine,
// inetOrgPerson, nis/rfc2307bis and dirgate schemas; on AD, sAMAccountName
// and the same names, case-insensitive Unicode strings). A field mapped to
// another attribute is not evaluated by the model.
var matchingRules = map[string]readmodel.Matching{
	"uid": readmodel.MatchCaseIgnore, "samaccountname": readmodel.MatchCaseIgnore, "cn": readmodel.MatchCaseIgnore, "givenname": readmodel.MatchCaseIgnore,
	"sn": readmodel.MatchCaseIgnore, "displayname": readmodel.MatchCaseIgnore, "title": readmodel.MatchCaseIgnore,
	"description": readmodel.MatchCaseIgnore, "mail": readmodel.MatchCaseIgnore,
	"dirgateprincipalname": readmodel.MatchCaseIgnore, "dirgateexternalid": readmodel.MatchCaseIgnore,
	// caseExactIA5Match and no substring rule: substrings go to the server.
	"homedirectory":            readmodel.MatchEqualityExact,
	"uidnumber":                readmodel.MatchNumber,
	"gidnumber":                readmodel.MatchNumber,
	"dirgatesystem":            readmodel.MatchBool,
	"dirgateinvitationpending": readmodel.MatchBool,
	"createtimestamp":          readmodel.MatchTime, "modifytimestamp": readmodel.MatchTime,
	// Not objectGUID: AD sorts it by its bytes, the model by its text.
	"ou":        readmodel.MatchCaseIgnore,
	"entryuuid": readmodel.MatchID,
	"entrydn":   readmodel.MatchDN, "distinguishedname": readmodel.MatchDN,
}

// fieldAttrs maps the searchable fields of users and groups to their
// attributes and matching rules.
func (f *syncFeed) fieldAttrs(keys map[directory.Field]string) map[directory.Field]string {
	out := map[directory.Field]string{}
	for field, key := range keys {
		if key == "" {
			continue // account state: the profile's filters, not the model's
		}
		if a := f.d.attrs.get(key); a != "" {
			if _, ok := matchingRules[strings.ToLower(a)]; ok {
				out[field] = a
			}
		}
	}
	return out
}

// FeedName says which change stream this is, for the health report.
func (f *syncFeed) FeedName() string { return "syncrepl" }

func (f *syncFeed) Shape() readmodel.Shape {
	m := map[directory.Field]readmodel.Matching{}
	for _, keys := range []map[directory.Field]string{userFieldKeys, groupFieldKeys} {
		for field, a := range f.fieldAttrs(keys) {
			m[field] = matchingRules[strings.ToLower(a)]
		}
	}
	// The stream holds every entry under the base (objectClass=*): the
	// tree is the model's to answer where the OUs' names match as it does.
	tree := matchingRules[strings.ToLower(f.d.attrs.get(attrOUName))] == readmodel.MatchCaseIgnore
	return readmodel.Shape{MembersByDN: f.d.model.byDN(), Nested: f.d.model.nested(), Matching: m, Tree: tree}
}

// Position reads the base entry's contextCSN, which syncprov keeps
// current (in memory, whatever its checkpoint) for every change.
func (f *syncFeed) Position(ctx context.Context) (readmodel.Position, error) {
	ctx, cancel := f.d.deadline(ctx)
	defer cancel()
	e, err := f.d.readEntry(ctx, f.d.base, "(objectClass=*)", []string{"contextCSN"})
	if err != nil {
		return nil, err
	}
	return readmodel.ParseCSNs(e.GetEqualFoldAttributeValues("contextCSN")), nil
}

// attrs are every attribute the mappings and the model read.
func (f *syncFeed) attrs() []string {
	var out []string
	add := func(as ...string) {
		for _, a := range as {
			if a != "" && !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, a) }) {
				out = append(out, a)
			}
		}
	}
	add(f.d.userAttrs...)
	add(f.d.groupAttrs...)
	add(f.d.ouAttrs...)
	add("objectClass", f.d.attrs.get(attrID), f.d.attrs.get(f.d.model.memberAttr()))
	return out
}

// Run streams the base into sink until ctx ends or the stream breaks.
func (f *syncFeed) Run(ctx context.Context, cookie string, sink readmodel.Sink) error {
	d := f.d
	c, err := d.dialer.dial(ctx, d.svc.bindDN, d.svc.bindPW)
	if err != nil {
		return err
	}
	defer c.close()
	// Users are mapped as they arrive, their lock state with the policy's
	// duration: read it first, as a backend opened while the server was
	// away has not yet.
	if err := d.loadPolicy(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req := ldap.NewSearchRequest(d.wireDN(d.base), ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", f.attrs(), nil)
	var raw []byte
	if cookie != "" {
		raw = []byte(cookie)
	}
	userFields, groupFields := f.fieldAttrs(userFieldKeys), f.fieldAttrs(groupFieldKeys)
	r := c.Syncrepl(ctx, req, 256, ldap.SyncRequestModeRefreshAndPersist, raw, false)
	refreshing := true
	// present: ids the server listed as unchanged during a resume (RFC
	// 4533 present phase); nil when it lists none.
	var present map[string]bool
	for r.Next() {
		if e := r.Entry(); e != nil {
			state, _ := findSyncState(r.Controls())
			if state == nil {
				continue
			}
			id := strings.ToLower(state.EntryUUID.String())
			switch state.State {
			case ldap.SyncStatePresent:
				if present == nil {
					present = map[string]bool{}
				}
				present[id] = true
			case ldap.SyncStateDelete:
				sink.Remove(id)
			default:
				if present != nil {
					present[id] = true
				}
				sink.Put(f.entry(id, e, userFields, groupFields))
			}
			if len(state.Cookie) > 0 {
				sink.Synced(string(state.Cookie), readmodel.CookiePosition(string(state.Cookie)), !refreshing)
			}
			continue
		}
		for _, ctl := range r.Controls() {
			switch c := ctl.(type) {
			case *ldap.ControlSyncInfo:
				done, ck := syncInfoDone(c)
				if c.SyncIdSet != nil {
					for _, u := range c.SyncIdSet.SyncUUIDs {
						id := strings.ToLower(u.String())
						if c.SyncIdSet.RefreshDeletes {
							sink.Remove(id)
						} else {
							if present == nil {
								present = map[string]bool{}
							}
							present[id] = true
						}
					}
				}
				if c.RefreshPresent != nil && c.RefreshPresent.RefreshDone && present != nil {
					sink.RemoveAbsent(present)
					present = nil
				}
				if done {
					refreshing = false
				}
				sink.Synced(ck, readmodel.CookiePosition(ck), !refreshing)
			case *ldap.ControlSyncDone:
				// refreshOnly's end; refreshAndPersist ends with an error.
				return fmt.Errorf("ldap: change stream ended")
			}
		}
	}
	err = r.Err()
	switch {
	case ctx.Err() != nil:
		return nil
	case isCode(err, ldap.LDAPResultUnavailableCriticalExtension, ldap.LDAPResultUnwillingToPerform):
		return fmt.Errorf("%w: %v", readmodel.ErrNoChangeStream, err)
	case isCode(err, 4096): // e-syncRefreshRequired: the cookie is too old
		sink.Reset()
		return fmt.Errorf("ldap: change stream: the server asks for a full reload: %w", err)
	case err != nil:
		return fmt.Errorf("ldap: change stream: %w", err)
	}
	return fmt.Errorf("ldap: change stream closed by the server")
}

func findSyncState(ctls []ldap.Control) (*ldap.ControlSyncState, bool) {
	for _, c := range ctls {
		if s, ok := c.(*ldap.ControlSyncState); ok {
			return s, true
		}
	}
	return nil, false
}

// syncInfoDone returns whether a Sync Info message ends the refresh, and
// its cookie.
func syncInfoDone(c *ldap.ControlSyncInfo) (bool, string) {
	switch {
	case c.NewCookie != nil:
		return false, string(c.NewCookie.Cookie)
	case c.RefreshDelete != nil:
		return c.RefreshDelete.RefreshDone, string(c.RefreshDelete.Cookie)
	case c.RefreshPresent != nil:
		return c.RefreshPresent.RefreshDone, string(c.RefreshPresent.Cookie)
	case c.SyncIdSet != nil:
		return false, string(c.SyncIdSet.Cookie)
	}
	return false, ""
}

// entry maps one streamed entry.
func (f *syncFeed) entry(id string, e *ldap.Entry, userFields, groupFields map[directory.Field]string) readmodel.Entry {
	d := f.d
	out := readmodel.Entry{ID: id, DN: e.DN}
	values := func(fields map[directory.Field]string) map[directory.Field][]string {
		vs := map[directory.Field][]string{}
		for field, a := range fields {
			if field == directory.FieldDN {
				vs[field] = []string{e.DN}
				continue
			}
			if v := e.GetEqualFoldAttributeValues(a); len(v) > 0 {
				vs[field] = v
			}
		}
		return vs
	}
	switch d.entryType(e) {
	case directory.EntryUser:
		u := d.toUser(e)
		out.Kind, out.User, out.Values = readmodel.KindUser, &u, values(userFields)
	case directory.EntryGroup:
		g := d.toGroup(e)
		out.Kind, out.Group, out.Values = readmodel.KindGroup, &g, values(groupFields)
		out.Members = e.GetEqualFoldAttributeValues(d.attrs.get(d.model.memberAttr()))
	case directory.EntryOU:
		o := d.toOU(e)
		out.Kind, out.OU = readmodel.KindOU, &o
		out.Values = map[directory.Field][]string{directory.FieldName: e.GetEqualFoldAttributeValues(d.attrs.get(attrOUName))}
	default:
		out.Kind = readmodel.KindOther
	}
	return out
}
