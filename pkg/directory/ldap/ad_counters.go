package ldap

import (
	"context"
	"fmt"
	"sync"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// On AD the uid/gid counters are the ones Identity Management for UNIX
// (IDMU) and the "UNIX Attributes" tab of Active Directory Users and
// Computers use: msSFU30MaxUidNumber and msSFU30MaxGidNumber of the
// domain's NIS entry, CN=<domain>,CN=ypservers,CN=ypServ30,CN=RpcServices,
// CN=System,<domain DN>. Each holds the next number to hand out, as
// dirgate's counters do, and is advanced by the same compare-and-swap. So
// dirgate and Windows tools draw from one sequence and never hand out a
// number twice. Samba creates the entry when provisioned with
// --use-rfc2307; countersDN names another msSFU30DomainInfo entry.
type sfuCounters struct {
	mu sync.Mutex
	dn string
}

func newSFUCounters() *sfuCounters { return &sfuCounters{} }

var sfuAttrs = map[directory.IDKind]string{
	directory.UIDSequence: "msSFU30MaxUidNumber",
	directory.GIDSequence: "msSFU30MaxGidNumber",
}

// at returns the counter entry and the kind's attribute.
func (s *sfuCounters) at(ctx context.Context, d hookHost, kind directory.IDKind) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dn == "" {
		dn, err := findSFUDomain(ctx, d)
		if err != nil {
			return "", "", err
		}
		s.dn = dn
	}
	return s.dn, sfuAttrs[kind], nil
}

// findSFUDomain returns countersDN when configured, else the domain's one
// msSFU30DomainInfo entry.
func findSFUDomain(ctx context.Context, d hookHost) (string, error) {
	if dn := d.configuredCountersDN(); dn != "" {
		return dn, nil
	}
	dom, err := d.domainDN(ctx)
	if err != nil {
		return "", err
	}
	yp := "CN=ypservers,CN=ypServ30,CN=RpcServices,CN=System," + dom
	found, err := d.searchFew(ctx, yp, "(objectClass=msSFU30DomainInfo)", []string{"1.1"}, 2)
	if err != nil && !isNotFound(err) {
		return "", err
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%w: the domain has no RFC 2307 (IDMU) entry under %s to keep uid/gid counters in "+
			"(provision Samba with --use-rfc2307, or set countersDN to an msSFU30DomainInfo entry)", directory.ErrNotSupported, yp)
	case 1:
		return found[0].DN, nil
	}
	return "", fmt.Errorf("%w: several NIS domains under %s (%s, %s): set countersDN to the one dirgate should use",
		directory.ErrInvalidInput, yp, found[0].DN, found[1].DN)
}

// createSFUCounter starts a counter attribute the entry lacks; another
// process doing it at the same time is fine.
func (d *Directory) createSFUCounter(ctx context.Context, dn, attr string, first int64) error {
	err := d.modify(ctx, dn, []ldap.Change{{Operation: ldap.AddAttribute,
		Modification: ldap.PartialAttribute{Type: attr, Vals: []string{fmt.Sprint(first)}}}})
	if err == nil || isCode(err, ldap.LDAPResultAttributeOrValueExists) {
		return nil
	}
	return wrap(err, "starting the counter "+attr+" of "+dn)
}
