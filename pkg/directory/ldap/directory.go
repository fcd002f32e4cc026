package ldap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Directory is the LDAP backend. It is safe for concurrent use.
type Directory struct {
	cfg   Config
	prof  *profile
	attrs attrMap
	model groupModel
	base  string
	log   *slog.Logger

	dialer *dialer
	svc    *pool[*conn]     // bound as the service account
	reads  *pool[*readConn] // bound as the service account, searches only (package wire)
	binds  *pool[*conn]     // for binding as users

	extra      []string // allow-listed extra user attributes
	countersDN string
	policyDN   string

	// The classes that make an entry a user, a group, an OU, and the
	// filters selecting them.
	userClass, ouClass       string
	groupClasses             []string
	userSel, groupSel, ouSel string

	userAttrs, groupAttrs, ouAttrs, entryAttrs []string

	// ix resolves the attributes the mappings read (entryindex.go), and
	// these slots the ones not named by a model key.
	ix              *attrIndex
	slots           mappedSlots
	accountSlots    []int // d.prof.account.attributes(), in order
	otherMobileSlot int
	extraSlots      []int // d.extra, in order

	issued     issuedNumbers // highest numbers handed out, a floor across failovers
	turns      allocTurns    // this process's allocations take turns
	blocks     idBlocks      // uid and gid numbers claimed, not yet handed out
	views      sortedViews   // server-side sorted views kept for the next page
	server     atomic.Pointer[serverInfo]
	ordering   atomic.Pointer[orderingRules] // read from the schema when first needed (ordering.go)
	policyRead atomic.Bool
	noRelax    atomic.Bool // the server refused the Relax control once
	decoyDN    string      // binds of refused logons (decoy.go)
	pace       directory.LogonPace
	now        func() time.Time
}

var _ directory.Directory = (*Directory)(nil)

// serverInfo is what the root DSE says the server can do.
type serverInfo struct {
	sort, vlv, paging, passwordModify bool
	// domain is the root DSE's defaultNamingContext (AD: the domain's
	// DN), "" when the server has none.
	domain string
}

// Open connects to the directory. A server that does not answer yet is not
// an error — the backend connects when it is first used and reports
// ErrUnavailable until then — but a refused service bind is.
// With readModel on, the directory returned is a read model over it
// (pkg/directory/readmodel).
func (c *Config) Open(ctx context.Context, env directory.BackendEnv) (directory.Directory, error) {
	d, err := Open(ctx, *c, env)
	if err != nil {
		return nil, err
	}
	rm, err := c.withReadModel(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return rm, nil
}

// Open is Config.Open with the concrete type.
func Open(ctx context.Context, cfg Config, env directory.BackendEnv) (*Directory, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", directory.ErrInvalidInput, err)
	}
	log := env.Log
	if log == nil {
		log = slog.Default()
	}
	base := cfg.BaseDN
	if base == "" {
		base = env.BaseDN
	}
	if _, err := directory.ParseDN(base); err != nil {
		return nil, fmt.Errorf("ldap: base DN: %w", err)
	}
	prof := profiles[cfg.Profile]()
	attrs := prof.attrs.with(cfg.Attributes)
	if prof.extendedPasswords() && cfg.PasswordInAdd {
		prof.passwords = cleartextInAdd{attr: attrs.get(attrPassword)}
	}
	model := groupModels[cfg.GroupModel]
	if prof.groups != nil {
		model = prof.groups
	}
	d := &Directory{
		cfg:        cfg,
		prof:       prof,
		attrs:      attrs,
		model:      model,
		base:       base,
		log:        log.With("backend", "ldap/"+prof.name),
		extra:      extraAttributes(cfg.ExtraAttributes, prof.name, attrs),
		countersDN: cfg.CountersDN,
		policyDN:   cfg.PasswordPolicyDN,
		now:        time.Now,
		decoyDN:    decoyDN(base),
	}
	if d.countersDN == "" {
		d.countersDN = base
	}
	if d.policyDN == "" {
		d.policyDN = "cn=passwordPolicy," + base
	}
	if v, ok := cfg.ObjectClasses[kindUser]; ok {
		d.prof.classes.user = v
	}
	if v, ok := cfg.ObjectClasses[kindOU]; ok {
		d.prof.classes.ou = v
	}
	if v, ok := cfg.ObjectClasses[kindGroup]; ok {
		d.prof.classes.group = v
	}
	if pp, ok := prof.account.(*ppolicy); ok {
		pp.policyDN = d.policyDN
	}
	d.userClass = selector(d.prof.classes.user)
	d.ouClass = selector(d.prof.classes.ou)
	d.groupClasses = model.selectors()
	if d.prof.classes.group != nil {
		d.groupClasses = []string{selector(d.prof.classes.group)}
	}
	d.userSel, d.groupSel, d.ouSel = classFilter(d.userClass), classFilter(d.groupClasses...), classFilter(d.ouClass)
	if prof.quirks.notUser != "" {
		d.userSel = "(&" + d.userSel + "(!" + classFilter(prof.quirks.notUser) + "))"
	}
	d.computeAttrLists()
	d.indexAttrs()

	password, err := cfg.bindPassword()
	if err != nil {
		return nil, err
	}
	if d.dialer, err = newDialer(&cfg); err != nil {
		return nil, err
	}
	d.svc = newPool("service", d.dialer, (*dialer).dial, cfg.PoolSize, cfg.BindDN, password, cfg.IdleCheck)
	d.binds = newPool("bind", d.dialer, (*dialer).dial, cfg.BindPoolSize, "", "", cfg.IdleCheck)
	d.reads = newPool("read", d.dialer, (*dialer).dialRead, cfg.PoolSize, cfg.BindDN, password, cfg.IdleCheck)
	// A directory opened while the server was away learns its lockout
	// policy on the first connection that works.
	d.svc.onConnect = func() {
		if d.policyRead.Load() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), cfg.RequestTimeout)
		defer cancel()
		if err := d.loadPolicy(ctx); err != nil {
			d.log.Debug("ldap: reading the password policy", "err", err)
		}
	}

	if err := d.warmUp(ctx); err != nil {
		if !errors.Is(err, directory.ErrUnavailable) {
			d.Close()
			return nil, err
		}
		d.log.Warn("ldap: directory not reachable yet; will connect on first use", "err", err)
	}
	return d, nil
}

// warmUp opens one service connection, reads what the server offers and
// the lockout policy.
func (d *Directory) warmUp(ctx context.Context) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if _, err := d.serverInfo(ctx); err != nil {
		return err
	}
	return d.loadPolicy(ctx)
}

func (d *Directory) loadPolicy(ctx context.Context) error {
	if d.policyRead.Load() {
		return nil
	}
	if err := d.prof.account.load(ctx, d); err != nil {
		return err
	}
	d.policyRead.Store(true)
	return nil
}

// serverInfo returns the root DSE's capabilities, reading them once.
func (d *Directory) serverInfo(ctx context.Context) (*serverInfo, error) {
	if si := d.server.Load(); si != nil {
		return si, nil
	}
	var e *ldap.Entry
	err := d.svc.call(ctx, true, func(c *conn) error {
		res, err := c.Search(rootDSE("supportedControl", "supportedExtension", "defaultNamingContext"))
		if err != nil {
			return err
		}
		if len(res.Entries) == 0 {
			return errNoEntry
		}
		e = res.Entries[0]
		return nil
	})
	if err != nil {
		return nil, wrap(err, "reading the root DSE")
	}
	controls := e.GetEqualFoldAttributeValues("supportedControl")
	si := &serverInfo{
		sort:           slices.Contains(controls, ldap.ControlTypeServerSideSorting),
		vlv:            slices.Contains(controls, controlTypeVLVRequest),
		paging:         slices.Contains(controls, ldap.ControlTypePaging),
		passwordModify: slices.Contains(e.GetEqualFoldAttributeValues("supportedExtension"), "1.3.6.1.4.1.4203.1.11.1"),
		domain:         e.GetEqualFoldAttributeValue("defaultNamingContext"),
	}
	if d.cfg.Sort == "client" || d.prof.quirks.noSortedView {
		si.sort, si.vlv = false, false
	}
	d.server.Store(si)
	return si, nil
}

// domainDN is the DN of the domain the server holds (the root DSE's
// defaultNamingContext), or the base when the server does not say.
func (d *Directory) domainDN(ctx context.Context) (string, error) {
	si, err := d.serverInfo(ctx)
	if err != nil {
		return "", err
	}
	if si.domain == "" {
		return d.base, nil
	}
	return si.domain, nil
}

// pageSize is the configured page size, within the server's limit.
func (d *Directory) pageSize() int {
	if m := d.prof.quirks.maxPageSize; m > 0 && d.cfg.PageSize > m {
		return m
	}
	return d.cfg.PageSize
}

// computeAttrLists decides which attributes each kind of read asks for:
// only what the model maps, never password hashes.
func (d *Directory) computeAttrLists() {
	pick := func(keys ...string) []string {
		var out []string
		for _, k := range keys {
			if a := d.attrs.get(k); a != "" && !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, a) }) {
				out = append(out, a)
			}
		}
		return out
	}
	d.userAttrs = append(pick(attrID, attrCreated, attrModified, attrUsername, attrCommonName, attrGivenName,
		attrSurname, attrDisplayName, attrMail, attrTelephone, attrMobile, attrTitle, attrDesc, attrUIDNumber,
		attrGIDNumber, attrHomeDirectory, attrPrincipalName, attrExtID, attrSystem, attrInvitePending,
		attrInviteExpiry), "objectClass")
	if d.prof.quirks.otherMobile != "" {
		d.userAttrs = append(d.userAttrs, d.prof.quirks.otherMobile)
	}
	d.userAttrs = append(d.userAttrs, d.prof.account.attributes()...)
	d.userAttrs = append(d.userAttrs, d.extra...)
	d.groupAttrs = append(pick(attrID, attrCreated, attrModified, attrGroupName, attrGIDNumber, attrDesc,
		attrExtID, attrSystem), "objectClass")
	d.ouAttrs = append(pick(attrID, attrCreated, attrModified, attrOUName, attrDesc, attrStreet, attrCity,
		attrState, attrPostalCode, attrCountry, attrProtected), "objectClass")
	if d.prof.ouProtection != nil {
		d.ouAttrs = append(d.ouAttrs, d.prof.ouProtection.attributes()...)
	}
	d.entryAttrs = append(pick(attrID, attrUsername, attrGroupName, attrOUName), "objectClass")
}

// newGroupClasses returns the classes of a new group.
func (d *Directory) newGroupClasses(gid bool) []string {
	if d.prof.classes.group != nil {
		return d.prof.classes.group
	}
	return d.model.classes(gid)
}

// Capabilities says what this backend does differently.
func (d *Directory) Capabilities() directory.Capabilities {
	return directory.Capabilities{
		Backend:           "ldap/" + d.prof.name,
		NestedGroups:      d.model.nested(),
		ProtectedOUs:      d.attrs.get(attrProtected) != "" || d.prof.ouProtection != nil,
		UsernameMaxLength: d.prof.usernameMax,
		LockoutThreshold:  d.prof.account.threshold(),
		ExtraAttributes:   slices.Clone(d.extra),
		// AD never hands out password hashes.
		ExportOmitsPasswords: d.prof.quirks.exportOmitsPasswords,
	}
}

// BaseDN is the managed subtree.
func (d *Directory) BaseDN() string { return d.base }

// Health reads the root DSE over a service connection.
func (d *Directory) Health(ctx context.Context) (directory.Health, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	h := directory.Health{Backend: "ldap/" + d.prof.name}
	start := time.Now()
	err := d.svc.call(ctx, true, func(c *conn) error {
		h.Server = c.url
		_, err := c.Search(rootDSE("1.1"))
		return err
	})
	h.Latency = time.Since(start)
	h.Connections = []directory.PoolConnections{d.svc.connections(), d.reads.connections(), d.binds.connections()}
	if err != nil {
		return h, wrap(err, "health check")
	}
	// A server that came back may have been reconfigured; the policy is
	// cheap to read again once.
	if !d.policyRead.Load() {
		_ = d.loadPolicy(ctx)
	}
	return h, nil
}

// Reconnect drops every connection and forgets every server's failures,
// then connects again.
func (d *Directory) Reconnect(ctx context.Context) error {
	d.svc.drain()
	d.reads.drain()
	d.views.closeAll(false)
	d.binds.drain()
	d.dialer.reset()
	d.server.Store(nil)
	d.policyRead.Store(false)
	return d.warmUp(ctx)
}

// Close closes every connection.
func (d *Directory) Close() error {
	d.svc.close()
	d.reads.close()
	d.views.closeAll(true)
	d.binds.close()
	return nil
}

// deadline bounds ctx by the request timeout, unless ctx ends sooner.
func (d *Directory) deadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d.cfg.RequestTimeout {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d.cfg.RequestTimeout)
}

func isNotFound(err error) bool { return errors.Is(err, directory.ErrNotFound) }
