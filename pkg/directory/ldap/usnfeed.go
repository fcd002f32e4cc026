package ldap

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// uSNChanged polling, the AD feed's way of learning changes when the
// service account may not use DirSync (adfeed.go): a search of the whole
// domain naming context for (uSNChanged>=last+1), with the Show Deleted
// control so that deleted objects come back too.
//
// An account that may not see deleted objects gets no error from AD, only
// fewer entries, so the feed checks at start that the Deleted Objects
// container shows it some; if not, every poll that saw a change also lists
// the ids under the base (objectGUID only) and removes those no longer
// there.
//
// Positions are USNs of one DC: the cookie names the DC (dsServiceName),
// and a resume on another DC (or one restored from backup) reloads.
type usnChanges struct {
	f          *adFeed
	dc         string
	tombstones bool
}

func (u *usnChanges) name() string { return "uSNChanged polling" }

func (u *usnChanges) mark(*conn) error { return nil }

func (u *usnChanges) resume(cookie string) bool {
	if strings.HasPrefix(cookie, dirSyncCookiePrefix) {
		return false
	}
	dc, _, ok := parseUSNCookie(cookie)
	return ok && dc == u.dc
}

func (u *usnChanges) cookie(dc string, last uint64) string { return usnCookie(dc, last) }

func (u *usnChanges) changed(c *conn, root string, last uint64) ([]*ldap.Entry, bool, error) {
	attrs := append(u.f.attrs(), "isDeleted")
	res, err := c.Conn.SearchWithPaging(ldap.NewSearchRequest(root, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, fmt.Sprintf("(uSNChanged>=%d)", last+1), attrs,
		[]ldap.Control{ldap.NewControlMicrosoftShowDeleted()}), 500)
	if err != nil {
		return nil, false, err
	}
	return res.Entries, u.tombstones, nil
}

// whole: the poll read every attribute already.
func (u *usnChanges) whole(_ *conn, es []*ldap.Entry) ([]*ldap.Entry, error) { return es, nil }

// deletedVisible reports whether the account sees deleted objects: one
// at least in the domain's Deleted Objects container (found by its
// well-known GUID) with the Show Deleted control. Seeing the container
// is not enough: Samba shows it to every user, and the objects in it only
// to administrators. An empty container (a new domain) reads as not
// visible, which costs only the slower way of finding deletions.
func (u *usnChanges) deletedVisible(s searcher, nc string) bool {
	if nc == "" {
		return false
	}
	res, err := s.Search(ldap.NewSearchRequest("<WKGUID=18e2ea80684f11d2b9aa00c04f79f805,"+nc+">",
		ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 1, 0, false, "(isDeleted=TRUE)", []string{"objectGUID"},
		[]ldap.Control{ldap.NewControlMicrosoftShowDeleted()}))
	if err != nil && !isCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return false
	}
	return res != nil && len(res.Entries) > 0
}
