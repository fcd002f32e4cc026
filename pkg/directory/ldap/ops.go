package ldap

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// read runs an idempotent call on a service connection (retried once on a
// fresh connection when a reused one turns out dead). A referral answer is
// followed once when the configuration says so; search continuation
// references are never chased.
func (d *Directory) read(ctx context.Context, fn func(*conn) error) error {
	err := d.svc.call(ctx, true, fn)
	if d.cfg.Referrals == "follow" && isCode(err, ldap.LDAPResultReferral) {
		return d.followReferral(ctx, err, fn)
	}
	return err
}

// search runs fn, which only searches, on a connection of the read pool
// (the lean client of package wire), retried once as read is. A referral
// answer is followed as read follows it, over go-ldap.
func (d *Directory) search(ctx context.Context, fn func(searcher) error) error {
	err := d.reads.call(ctx, true, func(c *readConn) error { return fn(c) })
	if d.cfg.Referrals == "follow" && isCode(err, ldap.LDAPResultReferral) {
		return d.followReferral(ctx, err, func(c *conn) error { return fn(c) })
	}
	return err
}

// write runs a change on a service connection. It is never retried: the
// server may have applied it before the connection broke. A referral
// answer is followed once when the configuration says so.
func (d *Directory) write(ctx context.Context, fn func(*conn) error) error {
	err := d.svc.call(ctx, false, fn)
	if d.cfg.Referrals == "follow" && isCode(err, ldap.LDAPResultReferral) {
		return d.followReferral(ctx, err, fn)
	}
	return err
}

// readEntry reads one entry by DN; filter further restricts what counts
// (e.g. "(objectClass=inetOrgPerson)"). A missing entry is ErrNotFound.
func (d *Directory) readEntry(ctx context.Context, dn, filter string, attrs []string) (*ldap.Entry, error) {
	var e *ldap.Entry
	err := d.search(ctx, func(c searcher) error {
		res, err := c.Search(ldap.NewSearchRequest(d.wireDN(dn), ldap.ScopeBaseObject, ldap.NeverDerefAliases,
			0, 0, false, filter, attrs, d.readControls(attrs)))
		if err != nil {
			return err
		}
		if len(res.Entries) > 0 {
			e = res.Entries[0]
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "reading "+dn)
	}
	if e == nil {
		return nil, notFound("%s", dn)
	}
	return e, nil
}

// readControls are the controls a read of attrs needs: the OU
// protection's (AD: the SD flags control, without which a security
// descriptor is not returned to an account lacking the SACL privilege).
func (d *Directory) readControls(attrs []string) []ldap.Control {
	p := d.prof.ouProtection
	if p == nil {
		return nil
	}
	for _, a := range p.attributes() {
		if containsFold(attrs, a) {
			return p.controls()
		}
	}
	return nil
}

// searchFew returns at most limit entries matching filter below base; it
// is for lookups that expect one or two answers.
func (d *Directory) searchFew(ctx context.Context, base, filter string, attrs []string, limit int) ([]*ldap.Entry, error) {
	var out []*ldap.Entry
	err := d.search(ctx, func(c searcher) error {
		res, err := c.Search(ldap.NewSearchRequest(d.wireDN(base), ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
			limit, 0, false, filter, attrs, d.readControls(attrs)))
		if res != nil {
			out = res.Entries
		}
		if isCode(err, ldap.LDAPResultSizeLimitExceeded) {
			return nil // we asked for at most limit
		}
		return err
	})
	if err != nil {
		return nil, wrap(err, "searching "+filter+" under "+base)
	}
	return out, nil
}

// searchEach streams every entry matching the request to fn, one page of
// the paged-results control (RFC 2696) at a time, so memory stays at one
// page whatever the result size. fn returning an error stops the search.
// Referrals (search continuations) are not chased.
func (d *Directory) searchEach(ctx context.Context, req *ldap.SearchRequest, fn func(*ldap.Entry) error) error {
	paging := ldap.NewControlPaging(uint32(d.pageSize()))
	req.Controls = append(append(req.Controls, paging), d.readControls(req.Attributes)...)
	req.BaseDN = d.wireDN(req.BaseDN)
	// One connection holds the paging cookie across pages.
	err := d.search(ctx, func(c searcher) error {
		for {
			res, err := c.Search(req)
			if err != nil {
				return err
			}
			for _, e := range res.Entries {
				if err := fn(e); err != nil {
					d.abandonPaging(c, req, paging)
					return err
				}
			}
			pr, _ := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
			if pr == nil || len(pr.Cookie) == 0 {
				return nil
			}
			paging.SetCookie(pr.Cookie)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	})
	return err
}

// abandonPaging tells the server to drop a paged search we stop early
// (a page size of 0 with the cookie, RFC 2696 §3).
func (d *Directory) abandonPaging(c searcher, req *ldap.SearchRequest, paging *ldap.ControlPaging) {
	if len(paging.Cookie) == 0 {
		return
	}
	paging.PagingSize = 0
	_, _ = c.Search(req)
}

// add adds an entry.
func (d *Directory) add(ctx context.Context, req *ldap.AddRequest) error {
	req.DN = d.wireDN(req.DN)
	return d.write(ctx, func(c *conn) error { return c.Add(req) })
}

// modify applies changes to dn in one operation.
func (d *Directory) modify(ctx context.Context, dn string, changes []ldap.Change, controls ...ldap.Control) error {
	if len(changes) == 0 {
		return nil
	}
	req := &ldap.ModifyRequest{DN: d.wireDN(dn), Changes: changes, Controls: controls}
	return d.write(ctx, func(c *conn) error { return c.Modify(req) })
}

// del deletes one entry.
func (d *Directory) del(ctx context.Context, dn string) error {
	return d.write(ctx, func(c *conn) error { return c.Del(ldap.NewDelRequest(d.wireDN(dn), nil)) })
}

// followReferral sends a change the server referred elsewhere (a
// read-only consumer pointing at its provider) to the first referred URL,
// once, bound as the service account.
func (d *Directory) followReferral(ctx context.Context, refErr error, fn func(*conn) error) error {
	urls := referralURLs(refErr)
	if len(urls) == 0 {
		return refErr
	}
	cfg := d.cfg
	cfg.URLs = urls[:1]
	dl, err := newDialer(&cfg)
	if err != nil {
		return refErr
	}
	password, err := d.cfg.bindPassword()
	if err != nil {
		return err
	}
	c, err := dl.dial(ctx, d.cfg.BindDN, password)
	if err != nil {
		return fmt.Errorf("%w: following the referral to %s: %v", directory.ErrUnavailable, urls[0], err)
	}
	defer c.close()
	stop := context.AfterFunc(ctx, c.abort)
	defer stop()
	return fn(c)
}

// referralURLs extracts the referral URLs of an LDAPResult (RFC 4511
// §4.1.9: the optional [3] element), dropping any DN part.
func referralURLs(err error) []string {
	le, ok := err.(*ldap.Error)
	if !ok || le.Packet == nil || len(le.Packet.Children) < 2 {
		return nil
	}
	var urls []string
	for _, child := range le.Packet.Children[1].Children {
		if child.Tag != 3 {
			continue
		}
		for _, u := range child.Children {
			if s, ok := u.Value.(string); ok {
				if i := indexDNPart(s); i > 0 {
					s = s[:i]
				}
				urls = append(urls, s)
			}
		}
	}
	return urls
}

// indexDNPart finds where the DN of an LDAP URL starts (the "/" after the
// host), or -1.
func indexDNPart(u string) int {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return -1
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return len(u) - len(rest) + i
	}
	return -1
}
