package ldap

import (
	"context"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Importing an export into Active Directory. A raw re-add of what AD
// exported cannot work: AD owns most of an entry (objectGUID, objectSid,
// whenCreated, badPwdCount, isCriticalSystemObject ...), never hands out
// passwords, and takes member values only when they name entries that
// exist. So the AD import writes what dirgate manages and nothing else:
//
//   - users, groups and OUs only; containers, computers, AD's critical
//     system objects and anything else are left alone (the target domain
//     has its own);
//   - the attributes of the profile's map and the extra attributes, plus
//     the account state: userAccountControl as exported (disabled or
//     not, and every other bit) and must-change (pwdLastSet 0);
//   - a new user gets a random password nobody knows (AD never exports
//     one): Capabilities.ExportOmitsPasswords;
//   - member values are written at the end, once every entry of the file
//     exists, and only those naming an entry that does;
//   - with replace, an existing entry's managed attributes become the
//     imported ones (the others, and its password, stay).

type adImport struct {
	d       *Directory
	replace bool
	// members holds the member values of the groups written, by DN, in
	// file order.
	members    map[string][]string
	groupOrder []string
}

func newADImporter(d *Directory, replace bool) entryImporter {
	return &adImport{d: d, replace: replace, members: map[string][]string{}}
}

// adImportable are the attributes an AD import writes besides the
// profile's mapped ones and the extra attributes.
var adImportable = []string{attrUAC, attrPwdLastSet, "groupType"}

// managed reports whether the import writes attribute name.
func (a *adImport) managed(name string) bool {
	if containsFold(adImportable, name) || containsFold(a.d.extra, name) ||
		strings.EqualFold(name, a.d.prof.otherMobile) {
		return true
	}
	for _, k := range []string{attrID, attrDN, attrCreated, attrModified, attrCommonName, attrOUName,
		attrMember, attrMemberOf, attrPassword, attrCounter, attrHasSubordinate} {
		if strings.EqualFold(name, a.d.attrs.get(k)) {
			return false // the server's, the RDN's, or written otherwise
		}
	}
	for _, attr := range a.d.attrs {
		if attr != "" && strings.EqualFold(attr, name) {
			return true
		}
	}
	return false
}

func (a *adImport) entry(ctx context.Context, e *ldap.Entry) (importOutcome, error) {
	ctx, cancel := a.d.deadline(ctx)
	defer cancel()
	kind := a.d.entryType(e)
	if kind == directory.EntryOther || strings.EqualFold(e.GetEqualFoldAttributeValue("isCriticalSystemObject"), "TRUE") {
		return importSkipped, nil
	}
	var attrs []*ldap.EntryAttribute
	for _, at := range e.Attributes {
		name, _, _ := strings.Cut(at.Name, ";")
		vals := slices.DeleteFunc(slices.Clone(at.Values), func(v string) bool { return v == "" })
		if len(vals) == 0 || !a.managed(name) {
			continue
		}
		if strings.EqualFold(name, attrPwdLastSet) && vals[0] != "0" {
			continue // only "must change" can be written
		}
		attrs = append(attrs, &ldap.EntryAttribute{Name: name, Values: vals})
	}
	req := ldap.NewAddRequest(e.DN, nil)
	req.Attribute("objectClass", a.classes(kind))
	for _, at := range attrs {
		req.Attribute(at.Name, at.Values)
	}
	var err error
	outcome := importAdded
	if kind == directory.EntryUser {
		err = a.d.addUser(ctx, req, "") // a random password: AD exports none
	} else {
		err = a.d.add(ctx, req)
	}
	switch {
	case err == nil:
		if kind == directory.EntryOU && a.d.boolVal(e, attrProtected) && a.d.prof.ouProtection != nil {
			if err := a.d.prof.ouProtection.protect(ctx, a.d, e.DN); err != nil {
				return importAdded, err
			}
		}
	case isCode(err, ldap.LDAPResultEntryAlreadyExists):
		if !a.replace {
			return importSkipped, nil
		}
		if err := a.replaceEntry(ctx, e.DN, attrs); err != nil {
			return importSkipped, err
		}
		outcome = importReplaced
	default:
		return importSkipped, wrap(a.d.addError(err, string(kind), e.DN, e.DN), "importing "+e.DN)
	}
	if kind == directory.EntryGroup {
		a.groupOrder = append(a.groupOrder, e.DN)
		a.members[e.DN] = e.GetEqualFoldAttributeValues(a.d.attrs.get(attrMember))
	}
	return outcome, nil
}

// classes are the object classes a new entry of the kind gets.
func (a *adImport) classes(kind directory.EntryType) []string {
	switch kind {
	case directory.EntryUser:
		return a.d.prof.classes.user
	case directory.EntryGroup:
		return a.d.newGroupClasses(false)
	}
	return a.d.prof.classes.ou
}

// replaceEntry makes an existing entry's managed attributes the imported
// ones in one modify.
func (a *adImport) replaceEntry(ctx context.Context, dn string, attrs []*ldap.EntryAttribute) error {
	cur, err := a.d.readEntry(ctx, dn, "(objectClass=*)", []string{"*"})
	if err != nil {
		return err
	}
	var changes []ldap.Change
	for _, at := range attrs {
		changes = append(changes, replace(at.Name, at.Values...))
	}
	imported := func(name string) bool {
		return slices.ContainsFunc(attrs, func(at *ldap.EntryAttribute) bool { return strings.EqualFold(at.Name, name) })
	}
	for _, at := range cur.Attributes {
		switch {
		case imported(at.Name) || !a.managed(at.Name):
		case strings.EqualFold(at.Name, attrPwdLastSet):
			if cur.GetEqualFoldAttributeValue(attrPwdLastSet) == "0" {
				changes = append(changes, replace(attrPwdLastSet, "-1")) // exported without must-change
			}
		case containsFold(adImportable, at.Name) || strings.EqualFold(at.Name, a.d.attrs.get(attrUsername)):
			// Always present on the server's side: never removed.
		default:
			changes = append(changes, replace(at.Name))
		}
	}
	if err := a.d.modify(ctx, dn, changes); err != nil {
		return wrap(err, "replacing "+dn)
	}
	return nil
}

// finish writes the member values of the groups imported: those naming
// an entry that exists, the group's whole list (with replace, an existing
// group's list becomes the imported one).
func (a *adImport) finish(ctx context.Context) error {
	attr := a.d.attrs.get(attrMember)
	for _, g := range a.groupOrder {
		ctx, cancel := a.d.deadline(ctx)
		found, err := a.d.readMany(ctx, a.members[g], []string{"1.1"})
		if err != nil {
			cancel()
			return err
		}
		vals := make([]string, len(found))
		for i, e := range found {
			vals[i] = e.DN
		}
		err = a.d.modify(ctx, g, []ldap.Change{replace(attr, vals...)})
		cancel()
		if err != nil {
			return wrap(err, "importing the members of "+g)
		}
	}
	return nil
}
