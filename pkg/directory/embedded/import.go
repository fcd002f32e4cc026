package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldif"
	"github.com/google/uuid"
	"golang.org/x/net/idna"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Import adds the entries of an LDIF export (the layout Export writes, or
// OpenLDAP's with the same schema) in one transaction: either every entry
// is written or none. Entries are taken parents first whatever the file's
// order; an existing entry (same DN, or same entryUUID) is replaced when
// replace is set and left alone otherwise. Group members are resolved once
// every entry is in, so a group may come before its members. Entries of
// classes the model does not hold (an admin role, say) are skipped with a
// warning.
func (d *Directory) Import(ctx context.Context, r io.Reader, replace bool) (directory.ImportResult, error) {
	entries, err := readLDIF(ctx, r)
	if err != nil {
		return directory.ImportResult{}, err
	}
	var (
		written directory.ImportResult
		notes   directory.ImportNotes
	)
	err = d.write(ctx, func(x *txn) error {
		imp := &importer{d: d, x: x, replace: replace, now: d.now(), fileIDs: map[string]string{}}
		for i, e := range entries {
			if i%1024 == 0 && ctx.Err() != nil {
				return unavailable(ctx.Err())
			}
			if err := imp.entry(e); err != nil {
				return fmt.Errorf("import %s: %w", e.dn, err)
			}
			if i%256 == 0 {
				directory.ReportProgress(ctx, i, len(entries))
			}
		}
		if err := imp.resolveMembers(); err != nil {
			return err
		}
		written, notes = imp.written, imp.notes
		return nil
	})
	if err != nil {
		return directory.ImportResult{}, err
	}
	directory.ReportProgress(ctx, len(entries), len(entries))
	d.log.Info("LDIF imported", "entries", len(entries), "added", written.Added, "replaced", written.Replaced, "replace", replace)
	// One summary, not a line per user: a real directory's export may hold
	// tens of thousands of {SSHA} hashes.
	if caller := directory.ImportNotesFrom(ctx); caller != nil {
		*caller = notes
	} else if notes.Unverifiable > 0 {
		d.log.Warn("LDIF import: users keep a password hash this directory cannot verify; they must be given a new password",
			"users", notes.Unverifiable, "schemes", notes.Schemes())
	}
	return written, nil
}

// fileEntry is a parsed LDIF record.
type fileEntry struct {
	dn    string
	norm  string
	depth int
	e     *ldap.Entry
}

// emptyValue matches an attribute line without value ("member:"), which
// go-ldap/ldif refuses but RFC 2849 and slapcat allow.
var emptyValue = regexp.MustCompile(`(?m)^([A-Za-z][A-Za-z0-9;-]*):$`)

// readLDIF parses content records and orders them parents first.
func readLDIF(ctx context.Context, r io.Reader) ([]fileEntry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: reading the LDIF: %w", directory.ErrUnavailable, err)
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = emptyValue.ReplaceAll(data, []byte("$1: "))
	var out []fileEntry
	for rec, err := range ldif.UnmarshalEntries(bytes.NewReader(data), &ldif.LDIF{}) {
		if err != nil {
			return nil, invalid("LDIF: %v", err)
		}
		if rec.Entry == nil {
			return nil, invalid("LDIF: change records are not imported; give an export (content records)")
		}
		parsed, err := directory.ParseDN(rec.Entry.DN)
		if err != nil {
			return nil, fmt.Errorf("LDIF entry: %w", err)
		}
		out = append(out, fileEntry{dn: rec.Entry.DN, norm: normDN(rec.Entry.DN), depth: len(parsed.RDNs), e: rec.Entry})
		if len(out)%1024 == 0 && ctx.Err() != nil {
			return nil, unavailable(ctx.Err())
		}
	}
	slices.SortStableFunc(out, func(a, b fileEntry) int { return a.depth - b.depth })
	return out, nil
}

// importer carries one import through its transaction.
type importer struct {
	d       *Directory
	x       *txn
	replace bool
	now     time.Time
	// fileIDs maps the normalized DNs of the file to the ids they got, for
	// member DNs written as the file spells them.
	fileIDs map[string]string
	pending []pendingGroup
	written directory.ImportResult
	notes   directory.ImportNotes
}

// wrote counts an entry written: replaced when it existed, else added.
func (imp *importer) wrote(existed bool) {
	if existed {
		imp.written.Replaced++
	} else {
		imp.written.Added++
	}
}

// pendingGroup is a group whose members are resolved at the end.
type pendingGroup struct {
	id, dn     string
	memberDNs  []string
	memberUIDs []string
}

// values and value read attributes by name, ignoring case.
func values(e *ldap.Entry, name string) []string { return e.GetEqualFoldAttributeValues(name) }

func value(e *ldap.Entry, name string) string {
	if vs := values(e, name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func flagValue(e *ldap.Entry, name string) bool { return strings.EqualFold(value(e, name), "TRUE") }

func numberValue(e *ldap.Entry, name string) (int64, error) {
	v := value(e, name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, invalid("%s %q is not a number", name, v)
	}
	return n, nil
}

func timeValue(e *ldap.Entry, name string) (time.Time, error) {
	v := value(e, name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseGenTime(v)
	if err != nil {
		return time.Time{}, invalid("%s: %v", name, err)
	}
	return normTime(t), nil
}

func classes(e *ldap.Entry) map[string]bool {
	out := map[string]bool{}
	for _, c := range values(e, "objectClass") {
		out[fold(c)] = true
	}
	return out
}

func (imp *importer) entry(fe fileEntry) error {
	s := imp.x.s
	if !directory.IsUnder(fe.dn, s.base.DN) {
		return invalid("the entry lies outside the domain %s", s.base.DN)
	}
	oc := classes(fe.e)
	switch {
	case fe.norm == normDN(s.base.DN):
		imp.fileIDs[fe.norm] = s.base.ID
		return nil
	case oc["dirgatecounter"]:
		return imp.counter(fe)
	case oc["organizationalunit"]:
		return imp.ou(fe)
	case oc["groupofnames"] || oc["groupofuniquenames"] || oc["posixgroup"]:
		return imp.group(fe)
	case oc["inetorgperson"] || oc["posixaccount"] || oc["organizationalperson"] || oc["person"]:
		if value(fe.e, "uid") == "" {
			imp.d.log.Warn("LDIF import: skipping a person without uid", "dn", fe.dn)
			return nil
		}
		return imp.user(fe)
	default:
		imp.d.log.Warn("LDIF import: skipping an entry of classes the directory does not keep",
			"dn", fe.dn, "objectClass", values(fe.e, "objectClass"))
		return nil
	}
}

// counter raises an id counter to the file's value, never lowers it: a
// number handed out before must not come again.
func (imp *importer) counter(fe fileEntry) error {
	var kind directory.IDKind
	switch cn := fold(value(fe.e, "cn")); cn {
	case fold(string(directory.UIDSequence)):
		kind = directory.UIDSequence
	case fold(string(directory.GIDSequence)):
		kind = directory.GIDSequence
	default:
		return invalid("unknown counter %q", cn)
	}
	next, err := numberValue(fe.e, "dirgateNextId")
	if err != nil {
		return err
	}
	if next > imp.x.s.counters[kind] {
		imp.x.setCounter(kind, next)
		imp.wrote(true)
	}
	return nil
}

// existing finds the entry an imported one would replace: same DN, or
// same entryUUID. It must be of the kind imported.
func (imp *importer) existing(fe fileEntry, isKind func(id string) bool) (string, bool, error) {
	s := imp.x.s
	if id, ok := s.dns[fe.norm]; ok {
		if !isKind(id) {
			return "", false, fmt.Errorf("%w: an entry of another type has this DN", directory.ErrAlreadyExists)
		}
		return id, true, nil
	}
	if id := strings.ToLower(value(fe.e, "entryUUID")); id != "" && isKind(id) {
		return id, true, nil
	}
	return "", false, nil
}

// newID keeps the file's entryUUID when it is a UUID no entry has.
func (imp *importer) newID(fe fileEntry) string {
	id := strings.ToLower(value(fe.e, "entryUUID"))
	if _, err := uuid.Parse(id); err == nil {
		if _, _, taken := imp.x.s.entry(id); !taken {
			return id
		}
	}
	return uuid.NewString()
}

// place decides what happens to an entry: skip (it exists and replace is
// off), or write it under the returned id and parent; found says whether
// it replaces an entry.
func (imp *importer) place(fe fileEntry, isKind func(string) bool) (id, parent string, found, skip bool, err error) {
	id, found, err = imp.existing(fe, isKind)
	if err != nil {
		return "", "", false, false, err
	}
	if found {
		imp.fileIDs[fe.norm] = id
		if !imp.replace {
			return "", "", true, true, nil
		}
	} else {
		id = imp.newID(fe)
	}
	parentDN, err := directory.ParentDN(fe.dn)
	if err != nil {
		return "", "", false, false, err
	}
	pid, ok := imp.x.s.dns[normDN(parentDN)]
	if !ok {
		return "", "", false, false, fmt.Errorf("%w: the parent %s is not in the directory or the file", directory.ErrNotFound, parentDN)
	}
	if !imp.x.s.isContainer(pid) {
		return "", "", false, false, invalid("the parent %s is not an OU or the base", parentDN)
	}
	imp.fileIDs[fe.norm] = id
	return id, pid, found, false, nil
}

// namingValue is the entry's naming attribute, else its RDN value.
func namingValue(fe fileEntry, attr string) (string, error) {
	if v := value(fe.e, attr); v != "" {
		return v, nil
	}
	return directory.FirstRDNValue(fe.dn)
}

func (imp *importer) times(fe fileEntry) (created, modified time.Time, err error) {
	if created, err = timeValue(fe.e, "createTimestamp"); err != nil {
		return
	}
	if modified, err = timeValue(fe.e, "modifyTimestamp"); err != nil {
		return
	}
	if created.IsZero() {
		created = imp.now
	}
	if modified.IsZero() {
		modified = created
	}
	return created, modified, nil
}

func (imp *importer) ou(fe fileEntry) error {
	s := imp.x.s
	id, parent, found, skip, err := imp.place(fe, func(id string) bool { _, ok := s.ous[id]; return ok })
	if err != nil || skip {
		return err
	}
	o := &ouRec{ID: id, Parent: parent, Description: value(fe.e, "description"), Street: value(fe.e, "street"),
		City: value(fe.e, "l"), State: value(fe.e, "st"), PostalCode: value(fe.e, "postalCode"),
		Country: value(fe.e, "co"), Protected: flagValue(fe.e, "dirgateProtected")}
	if o.Name, err = namingValue(fe, "ou"); err != nil {
		return err
	}
	if err := checkName("OU name", o.Name); err != nil {
		return err
	}
	if err := checkTexts(map[string]string{"description": o.Description, "street": o.Street, "l": o.City,
		"st": o.State, "postalCode": o.PostalCode, "co": o.Country}); err != nil {
		return err
	}
	if o.Created, o.Modified, err = imp.times(fe); err != nil {
		return err
	}
	o.DN = directory.ChildDN("ou", o.Name, s.dnOf(parent))
	if err := s.dnFree(o.DN, id); err != nil {
		return err
	}
	if old, ok := s.ous[id]; ok && old.Parent != parent {
		return invalid("the OU %s would move from %s; OUs do not move", old.DN, s.dnOf(old.Parent))
	}
	imp.x.putOU(o)
	imp.wrote(found)
	return nil
}

func (imp *importer) group(fe fileEntry) error {
	s := imp.x.s
	id, parent, found, skip, err := imp.place(fe, func(id string) bool { _, ok := s.groups[id]; return ok })
	if err != nil || skip {
		return err
	}
	g := &groupRec{ID: id, Parent: parent, Description: value(fe.e, "description"),
		ExternalID: value(fe.e, "dirgateExternalId"), System: flagValue(fe.e, "dirgateSystem")}
	if g.Name, err = namingValue(fe, "cn"); err != nil {
		return err
	}
	if err := checkName("group name", g.Name); err != nil {
		return err
	}
	if err := checkTexts(map[string]string{"description": g.Description, "dirgateExternalId": g.ExternalID}); err != nil {
		return err
	}
	if g.GIDNumber, err = numberValue(fe.e, "gidNumber"); err != nil {
		return err
	}
	if g.Created, g.Modified, err = imp.times(fe); err != nil {
		return err
	}
	g.DN = directory.ChildDN("cn", g.Name, s.dnOf(parent))
	for _, check := range []error{s.groupNameFree(g.Name, id), s.gidNumberFree(g.GIDNumber, id), s.dnFree(g.DN, id)} {
		if check != nil {
			return check
		}
	}
	if old, ok := s.groups[id]; ok {
		g.Members = old.Members // until resolveMembers sets the file's
	}
	imp.x.putGroup(g)
	imp.pending = append(imp.pending, pendingGroup{id: id, dn: fe.dn,
		memberDNs:  append(values(fe.e, "member"), values(fe.e, "uniqueMember")...),
		memberUIDs: values(fe.e, "memberUid")})
	imp.wrote(found)
	return nil
}

func (imp *importer) user(fe fileEntry) error {
	s := imp.x.s
	id, parent, found, skip, err := imp.place(fe, func(id string) bool { _, ok := s.users[id]; return ok })
	if err != nil || skip {
		return err
	}
	e := fe.e
	u := &userRec{ID: id, Parent: parent, Username: value(e, "uid"),
		GivenName: value(e, "givenName"), DisplayName: value(e, "displayName"), Mail: value(e, "mail"),
		Telephone: value(e, "telephoneNumber"), Title: value(e, "title"), Description: value(e, "description"),
		HomeDirectory: value(e, "homeDirectory"), UserPrincipalName: value(e, "dirgatePrincipalName"),
		ExternalID: value(e, "dirgateExternalId"), System: flagValue(e, "dirgateSystem"),
		InvitationPending: flagValue(e, "dirgateInvitationPending"), MustChange: flagValue(e, "pwdReset"),
		Password: value(e, "userPassword"),
	}
	// sn is required by the schema, so an export writes the username when
	// there is no surname; reading it back, that means none.
	if sn := value(e, "sn"); sn != u.Username {
		u.Surname = sn
	}
	if err := checkName("username", u.Username); err != nil {
		return err
	}
	if err := checkTexts(userTexts(u)); err != nil {
		return err
	}
	if u.Mobile, err = cleanValues("mobile", values(e, "mobile")); err != nil {
		return err
	}
	if u.UIDNumber, err = numberValue(e, "uidNumber"); err != nil {
		return err
	}
	if u.GIDNumber, err = numberValue(e, "gidNumber"); err != nil {
		return err
	}
	if u.InvitationExpiry, err = timeValue(e, "dirgateInvitationExpiry"); err != nil {
		return err
	}
	if err := imp.accountState(e, u); err != nil {
		return err
	}
	if err := imp.checkPassword(fe, u.Password); err != nil {
		return err
	}
	for folded, canon := range imp.d.extra {
		if vs := values(e, folded); len(vs) > 0 {
			clean, err := cleanValues(canon, vs)
			if err != nil {
				return err
			}
			if u.Attributes == nil {
				u.Attributes = map[string][]string{}
			}
			u.Attributes[canon] = clean
		}
	}
	if u.Created, u.Modified, err = imp.times(fe); err != nil {
		return err
	}
	u.DN = directory.ChildDN("uid", u.Username, s.dnOf(parent))
	for _, check := range []error{s.usernameFree(u.Username, id), s.uidNumberFree(u.UIDNumber, id), s.dnFree(u.DN, id)} {
		if check != nil {
			return check
		}
	}
	imp.x.putUser(u)
	imp.wrote(found)
	return nil
}

// accountState reads the ppolicy attributes: the special lock time means
// disabled, any other a lock (for failures when failures are recorded).
func (imp *importer) accountState(e *ldap.Entry, u *userRec) error {
	for _, v := range values(e, "pwdFailureTime") {
		t, err := parseGenTime(v)
		if err != nil {
			return invalid("pwdFailureTime: %v", err)
		}
		u.Failures = append(u.Failures, normTime(t))
	}
	switch locked := value(e, "pwdAccountLockedTime"); locked {
	case "":
	case disabledLockTime:
		u.Disabled = true
	default:
		t, err := parseGenTime(locked)
		if err != nil {
			return invalid("pwdAccountLockedTime: %v", err)
		}
		u.LockedAt, u.LockReason = normTime(t), directory.LockManual
		if len(u.Failures) > 0 {
			u.LockReason = directory.LockTooManyFailures
		}
	}
	return nil
}

// checkPassword refuses an argon2 hash that does not parse or whose cost
// is out of bounds, and notes the users whose scheme the store cannot
// verify.
func (imp *importer) checkPassword(fe fileEntry, stored string) error {
	if stored == "" {
		return nil
	}
	_, err := parseArgon2(stored)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errUnsupportedScheme):
		imp.notes.NoteUnverifiable(schemeOf(stored))
		return nil
	default:
		return invalid("userPassword: %v", err)
	}
}

// resolveMembers sets the members of every imported group, now that every
// entry of the file is in. A member that is neither in the file nor in the
// directory is dropped with a warning, as a referential integrity overlay
// would drop it.
func (imp *importer) resolveMembers() error {
	s := imp.x.s
	for _, p := range imp.pending {
		var members []string
		add := func(id string) {
			if id != p.id && !slices.Contains(members, id) {
				members = append(members, id)
			}
		}
		for _, dn := range p.memberDNs {
			if strings.TrimSpace(dn) == "" {
				continue // groupOfNames' placeholder of an empty group
			}
			norm, err := directory.NormalizeDN(dn)
			id, ok := imp.fileIDs[norm]
			if !ok && err == nil {
				id, ok = s.dns[norm]
			}
			_, isUser := s.users[id]
			_, isGroup := s.groups[id]
			if !ok || (!isUser && !isGroup) {
				imp.d.log.Warn("LDIF import: dropping a member that is no user or group", "group", p.dn, "member", dn)
				continue
			}
			add(id)
		}
		for _, uid := range p.memberUIDs {
			id, ok := s.userNames[fold(uid)]
			if !ok && strings.Contains(uid, "xn--") {
				// memberUid is ASCII: the posixGroup model writes a
				// username outside ASCII in its punycode form.
				if name, err := idna.Punycode.ToUnicode(uid); err == nil {
					id, ok = s.userNames[fold(name)]
				}
			}
			if !ok {
				imp.d.log.Warn("LDIF import: dropping an unknown memberUid", "group", p.dn, "memberUid", uid)
				continue
			}
			add(id)
		}
		g := s.groups[p.id].clone()
		g.Members = members
		imp.x.putGroup(g)
	}
	return nil
}

// schemeOf names a stored password's scheme ("{SSHA}") for the import's
// summary, never any of the value: without a {scheme} it may be a
// password in clear.
func schemeOf(stored string) string {
	scheme, _, found := strings.Cut(stored, "}")
	if !found || !strings.HasPrefix(scheme, "{") || len(scheme) > 16 {
		return "(no scheme)"
	}
	return strings.ToUpper(scheme) + "}"
}
