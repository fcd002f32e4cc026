package ldap

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldif"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Export and import of the managed subtree as LDIF (RFC 2849).

// exportAttrs: every user attribute (userPassword included, so a restore
// restores logons), the operational attributes an offline restore
// (slapadd) keeps, and the account state, which lives in operational
// attributes on OpenLDAP.
func (d *Directory) exportAttrs() []string {
	attrs := []string{"*"}
	for _, k := range []string{attrID, attrCreated, attrModified} {
		if a := d.attrs.get(k); a != "" {
			attrs = append(attrs, a)
		}
	}
	if a := d.attrs.get(attrHasSubordinate); a != "" {
		attrs = append(attrs, a)
	}
	return append(attrs, d.prof.account.attributes()...)
}

// Export writes every entry under the base, parents before children: a
// breadth-first walk with one-level searches, descending only into
// entries that have subordinates. Memory holds the DNs of containers not
// yet walked, never the entries.
func (d *Directory) Export(ctx context.Context, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("version: 1\n\n"); err != nil {
		return 0, err
	}
	count := 0
	emit := func(e *ldap.Entry) (bool, error) {
		// Without hasSubordinates every entry may have children: the walk
		// then asks each one.
		hasSub := d.attrs.get(attrHasSubordinate) == "" ||
			strings.EqualFold(e.GetEqualFoldAttributeValue(d.attrs.get(attrHasSubordinate)), "TRUE")
		out := &ldap.Entry{DN: e.DN}
		for _, a := range e.Attributes {
			if a.Name != "" && !strings.EqualFold(a.Name, d.attrs.get(attrHasSubordinate)) {
				out.Attributes = append(out.Attributes, a)
			}
		}
		// objectClass first, as people read LDIF.
		slices.SortStableFunc(out.Attributes, func(a, b *ldap.EntryAttribute) int {
			return boolRank(!strings.EqualFold(a.Name, "objectClass")) - boolRank(!strings.EqualFold(b.Name, "objectClass"))
		})
		if err := writeLDIF(bw, out); err != nil {
			return false, fmt.Errorf("writing %s: %w", e.DN, err)
		}
		count++
		if count%256 == 0 {
			directory.ReportProgress(ctx, count, 0)
		}
		return hasSub, nil
	}
	run := func(base string, scope int) ([]string, error) {
		ctx, cancel := d.deadline(ctx)
		defer cancel()
		var next []string
		req := ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", d.exportAttrs(), nil)
		err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
			sub, err := emit(e)
			if sub {
				next = append(next, e.DN)
			}
			return err
		})
		if err != nil {
			return nil, wrap(err, "exporting "+base)
		}
		return next, nil
	}
	queue, err := run(d.base, ldap.ScopeBaseObject)
	if err != nil {
		return count, err
	}
	for len(queue) > 0 {
		dn := queue[0]
		queue = queue[1:]
		kids, err := run(dn, ldap.ScopeSingleLevel)
		if err != nil {
			return count, err
		}
		queue = append(queue, kids...)
	}
	return count, bw.Flush()
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// serverOwned are attributes the server maintains. An import tries to keep
// the first group (ids and timestamps) with the Relax control, which slapd
// allows a manager for exactly this purpose; the second never goes in.
var (
	relaxable   = []string{"entryUUID", "createTimestamp", "modifyTimestamp", "creatorsName", "modifiersName", "entryCSN"}
	serverOwned = []string{"structuralObjectClass", "entryDN", "subschemaSubentry", "hasSubordinates",
		"memberOf", "pwdFailureTime", "pwdChangedTime", "pwdHistory", "pwdGraceUseTime", "pwdLastSuccess",
		"numSubordinates", "contextCSN"}
)

// Import adds the entries of an LDIF file in file order (an export puts
// parents first). With replace, an existing entry's attributes become the
// imported ones; otherwise it is left alone and not counted.
func (d *Directory) Import(ctx context.Context, r io.Reader, replace bool) (directory.ImportResult, error) {
	var count directory.ImportResult
	var imp entryImporter = newPlainImport(d, replace)
	if d.prof.importer != nil {
		imp = d.prof.importer(d, replace)
	}
	lf := &ldif.LDIF{}
	in := emptyValueFixer(r)
	defer in.Close() // stops the fixer when we return early
	for rec, err := range ldif.UnmarshalEntries(in, lf) {
		if err != nil {
			return count, fmt.Errorf("%w: LDIF: %v", directory.ErrInvalidInput, err)
		}
		e, err := contentOf(rec)
		if err != nil {
			return count, err
		}
		if !directory.IsUnder(e.DN, d.base) {
			return count, invalid("LDIF entry %s lies outside %s", e.DN, d.base)
		}
		wrote, err := imp.entry(ctx, e)
		if err != nil {
			return count, err
		}
		switch wrote {
		case importAdded:
			count.Added++
		case importReplaced:
			count.Replaced++
		}
		if wrote != importSkipped && count.Written()%256 == 0 {
			directory.ReportProgress(ctx, count.Written(), 0)
		}
	}
	return count, imp.finish(ctx)
}

// importOutcome is what an import did with one entry.
type importOutcome int

const (
	importSkipped importOutcome = iota
	importAdded
	importReplaced
)

// entryImporter writes the entries of an import one by one, in file
// order, and may keep work for the end (AD: member values, which must
// name entries that exist).
type entryImporter interface {
	// entry adds e, or replaces the entry there; it reports which, or
	// that it wrote nothing.
	entry(ctx context.Context, e *ldap.Entry) (importOutcome, error)
	finish(ctx context.Context) error
}

// plainImport adds entries as they are, keeping ids and timestamps where
// the server allows (OpenLDAP's Relax control).
type plainImport struct {
	d       *Directory
	replace bool
	// Where the server keeps memberOf (attrMemberOf), it writes it on a
	// group's members when the group is written, so a member written
	// after its group (a group holding a group further on in the file, a
	// cycle) would miss it, and nested walks trust it on groups. written
	// holds the normalized DNs written so far (true for groups); later,
	// each group's member values that were not written yet.
	written map[string]bool
	later   []memberValues
}

func newPlainImport(d *Directory, replace bool) *plainImport {
	p := &plainImport{d: d, replace: replace}
	if d.attrs.get(attrMemberOf) != "" && d.model.byDN() {
		p.written = map[string]bool{}
	}
	return p
}

// memberValues are member values of one group.
type memberValues struct {
	group  string
	values []string
}

func (p *plainImport) entry(ctx context.Context, e *ldap.Entry) (importOutcome, error) {
	wrote, err := p.d.importEntry(ctx, e, p.replace)
	if wrote == importSkipped || p.written == nil {
		return wrote, err
	}
	p.written[norm(e.DN)] = p.d.isGroup(e)
	var ahead []string
	for _, v := range e.GetEqualFoldAttributeValues(p.d.attrs.get(attrMember)) {
		if _, done := p.written[norm(v)]; v != "" && !done {
			ahead = append(ahead, v)
		}
	}
	if len(ahead) > 0 {
		p.later = append(p.later, memberValues{e.DN, ahead})
	}
	return wrote, err
}

// finish writes again the member values naming groups written after the
// group holding them, which makes the server write their memberOf: one
// modify per holding group that deletes and adds them back, leaving it as
// it was. (Users' memberOf, which no walk reads, stays as the server
// wrote it.)
func (p *plainImport) finish(ctx context.Context) error {
	attr := p.d.attrs.get(attrMember)
	for _, g := range p.later {
		values := slices.DeleteFunc(g.values, func(v string) bool { return !p.written[norm(v)] })
		if len(values) == 0 {
			continue
		}
		if err := p.again(ctx, g.group, attr, values); err != nil {
			return wrap(err, "writing the memberships of "+g.group+" again")
		}
	}
	return nil
}

func (p *plainImport) again(ctx context.Context, group, attr string, values []string) error {
	ctx, cancel := p.d.deadline(ctx)
	defer cancel()
	return p.d.modify(ctx, group, []ldap.Change{
		{Operation: ldap.DeleteAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: values}},
		{Operation: ldap.AddAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: values}},
	})
}

// contentOf accepts content records and "changetype: add" records.
func contentOf(rec *ldif.Entry) (*ldap.Entry, error) {
	switch {
	case rec.Entry != nil:
		return rec.Entry, nil
	case rec.Add != nil:
		e := &ldap.Entry{DN: rec.Add.DN}
		for _, a := range rec.Add.Attributes {
			e.Attributes = append(e.Attributes, &ldap.EntryAttribute{Name: a.Type, Values: a.Vals})
		}
		return e, nil
	}
	return nil, invalid("LDIF: only entries and additions can be imported, not modifications or deletions")
}

func (d *Directory) importEntry(ctx context.Context, e *ldap.Entry, replace bool) (importOutcome, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	full := importAttributes(e, true)
	err := d.add(ctx, addRequest(e.DN, full, d.relaxControls()))
	if err != nil && !isCode(err, ldap.LDAPResultEntryAlreadyExists, ldap.LDAPResultNoSuchObject) && !d.noRelax.Load() {
		// Not allowed to keep ids and timestamps: let the server set them.
		d.log.Info("ldap: import without the Relax control: entries get new ids", "dn", e.DN, "err", err)
		d.noRelax.Store(true)
		err = d.add(ctx, addRequest(e.DN, importAttributes(e, false), nil))
	}
	switch {
	case err == nil:
		return importAdded, nil
	case isCode(err, ldap.LDAPResultEntryAlreadyExists):
		if !replace {
			return importSkipped, nil
		}
		return importReplaced, d.replaceEntry(ctx, e)
	}
	return importSkipped, wrap(err, "importing "+e.DN)
}

func (d *Directory) relaxControls() []ldap.Control {
	if d.noRelax.Load() {
		return nil
	}
	return []ldap.Control{ldap.NewControlString(relaxControl, true, "")}
}

// importAttributes drops what the server owns; withRelaxable keeps ids and
// timestamps.
func importAttributes(e *ldap.Entry, withRelaxable bool) []*ldap.EntryAttribute {
	var out []*ldap.EntryAttribute
	for _, a := range e.Attributes {
		name, _, _ := strings.Cut(a.Name, ";")
		drop := containsFold(serverOwned, name) || (!withRelaxable && containsFold(relaxable, name))
		if !drop && len(a.Values) > 0 {
			out = append(out, a)
		}
	}
	return out
}

func addRequest(dn string, attrs []*ldap.EntryAttribute, controls []ldap.Control) *ldap.AddRequest {
	req := ldap.NewAddRequest(dn, controls)
	for _, a := range attrs {
		// Appended directly: Attribute would keep an empty DN too, but
		// say so explicitly since groupOfNames needs it.
		req.Attributes = append(req.Attributes, ldap.Attribute{Type: a.Name, Vals: a.Values})
	}
	return req
}

// replaceEntry makes an existing entry's user attributes the imported
// ones, in one modify. Ids and timestamps stay the existing entry's.
func (d *Directory) replaceEntry(ctx context.Context, e *ldap.Entry) error {
	cur, err := d.readEntry(ctx, e.DN, "(objectClass=*)", append([]string{"*"}, d.prof.account.attributes()...))
	if err != nil {
		return err
	}
	want := importAttributes(e, false)
	var changes []ldap.Change
	for _, a := range want {
		changes = append(changes, replace(a.Name, a.Values...))
	}
	for _, a := range cur.Attributes {
		if !slices.ContainsFunc(want, func(w *ldap.EntryAttribute) bool { return strings.EqualFold(w.Name, a.Name) }) &&
			!containsFold(serverOwned, a.Name) && !containsFold(relaxable, a.Name) && !isRDNAttr(e.DN, a.Name) {
			changes = append(changes, replace(a.Name))
		}
	}
	if err := d.modify(ctx, e.DN, changes); err != nil {
		return wrap(err, "replacing "+e.DN)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// emptyAttrLine matches "attr:" with nothing after the colon: an empty
// value, valid LDIF (the groupOfNames placeholder member is one) which
// go-ldap/ldif refuses unless a space follows.
var emptyAttrLine = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9;.-]*:$`)

// emptyValueFixer rewrites empty-value lines so go-ldap/ldif reads them,
// streaming line by line.
func emptyValueFixer(r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		bw := bufio.NewWriter(pw)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if emptyAttrLine.MatchString(line) {
				line += " "
			}
			if _, err := bw.WriteString(line + "\n"); err != nil {
				return
			}
		}
		if err := bw.Flush(); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(sc.Err())
	}()
	return pr
}
