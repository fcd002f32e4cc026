package ldap

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// DirSync (LDAP_SERVER_DIRSYNC_OID, MS-ADTS 3.1.1.3.4.1.3), the AD feed's
// way of learning changes when the service account holds the
// "Replicating Directory Changes" right (adfeed.go). Each DirSync search
// returns the objects changed since the cookie it was given, and a new
// cookie; the DC keeps no state for the client, and the cookie is good on
// every DC of the domain.
//
// What the DC returns, as seen on Samba 4.17 and documented for AD:
//   - only the domain naming context may be the search base (a base below
//     it is refused with insufficientAccessRights), so the changes of the
//     whole domain come back and the feed keeps those under its base;
//   - an object comes back when one of the requested attributes changed,
//     with those attributes only (plus objectGUID, parentGUID,
//     instanceType): "name" is requested so that renames and moves are
//     seen; the feed reads the changed entries again in full (whole);
//   - a deleted object comes back in Deleted Objects with isDeleted=TRUE,
//     whatever the account may read otherwise;
//   - with LDAP_DIRSYNC_INCREMENTAL_VALUES, a membership change carries
//     only the values added or removed (member;range=1-1 and 0-0) rather
//     than the whole attribute, which keeps a poll after a change to a
//     group of thousands small: the group is read again anyway, in
//     ranges (ad_members.go).
//
// The first search, with no cookie, would return the whole domain: the
// feed takes its first cookie with a filter no object matches (objectGUID
// has no all-zero value), which returns nothing and a cookie of "now",
// then loads the base with a paged search, as the polling feed does.

// dirSyncCookiePrefix marks the feed's cookies that hold a DirSync cookie.
const dirSyncCookiePrefix = "dirsync:"

// dirSyncNone matches no object.
const dirSyncNone = `(objectGUID=\00)`

type dirSyncChanges struct {
	f  *adFeed
	nc string
	// raw is the DC's cookie: the place reached.
	raw []byte
}

func (s *dirSyncChanges) name() string { return "DirSync" }

// probe takes a cookie of now: it is how the feed learns that the account
// may use DirSync (an error otherwise), and the place a load starts from.
func (s *dirSyncChanges) probe(c *conn) error {
	if s.nc == "" {
		return fmt.Errorf("ldap: DirSync: the rootDSE names no defaultNamingContext: %w",
			ldap.NewError(ldap.LDAPResultUnwillingToPerform, nil))
	}
	s.raw = nil
	_, err := s.search(c, dirSyncNone)
	return err
}

// mark takes the place a load starts from.
func (s *dirSyncChanges) mark(c *conn) error { return s.probe(c) }

func (s *dirSyncChanges) resume(cookie string) bool {
	rest, ok := strings.CutPrefix(cookie, dirSyncCookiePrefix)
	if !ok {
		return false
	}
	enc, _, ok := strings.Cut(rest, "|")
	if !ok {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(raw) == 0 {
		return false
	}
	s.raw = raw
	return true
}

func (s *dirSyncChanges) cookie(dc string, last uint64) string {
	return dirSyncCookiePrefix + base64.StdEncoding.EncodeToString(s.raw) + "|" + usnCookie(dc, last)
}

// changed asks for the changes after the cookie (whatever last says: the
// cookie knows better), as many searches as the DC needs to send them.
func (s *dirSyncChanges) changed(c *conn, _ string, _ uint64) ([]*ldap.Entry, bool, error) {
	es, err := s.search(c, "(objectClass=*)")
	return es, true, err
}

// search runs DirSync searches with filter from the cookie on, until the
// DC has nothing more, and moves the cookie on.
func (s *dirSyncChanges) search(c *conn, filter string) ([]*ldap.Entry, error) {
	attrs := s.attrs()
	var out []*ldap.Entry
	for {
		req := ldap.NewSearchRequest(s.nc, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, attrs,
			[]ldap.Control{ldap.NewRequestControlDirSync(ldap.DirSyncIncrementalValues, 0, s.raw)})
		res, err := c.Conn.Search(req)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Entries...)
		ctl, ok := ldap.FindControl(res.Controls, ldap.ControlTypeDirSync).(*ldap.ControlDirSync)
		if !ok || len(ctl.Cookie) == 0 {
			return nil, fmt.Errorf("ldap: DirSync: the server's reply has no cookie")
		}
		s.raw = ctl.Cookie
		// In a reply, a non-zero flag says more changes wait.
		if ctl.Flags == 0 {
			return out, nil
		}
	}
}

// attrs are what a DirSync search asks for: the attributes the mappings
// read, isDeleted, and name (which a rename or a move changes).
func (s *dirSyncChanges) attrs() []string { return append(s.f.attrs(), "isDeleted", "name") }

// whole reads es again with every attribute, by their objectGUIDs, a few
// dozen per search.
func (s *dirSyncChanges) whole(c *conn, es []*ldap.Entry) ([]*ldap.Entry, error) {
	const batch = 50
	d := s.f.d
	idAttr := d.attrs.get(attrID)
	var out []*ldap.Entry
	for len(es) > 0 {
		n := min(batch, len(es))
		var f strings.Builder
		f.WriteString("(|")
		for _, e := range es[:n] {
			if v, ok := d.prof.ids.assertion(d.id(e)); ok {
				fmt.Fprintf(&f, "(%s=%s)", idAttr, v)
			}
		}
		f.WriteString(")")
		es = es[n:]
		res, err := c.Conn.SearchWithPaging(ldap.NewSearchRequest(d.wireDN(d.base), ldap.ScopeWholeSubtree,
			ldap.NeverDerefAliases, 0, 0, false, f.String(), s.f.attrs(), nil), 500)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Entries...)
	}
	return out, nil
}
