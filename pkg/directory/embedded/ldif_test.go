package embedded

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldif"

	"github.com/dirgate/dirgate/pkg/directory"
)

// sample fills a store with one of each kind of entry and account state.
func sample(t *testing.T, d *Directory) (locked, disabled, fresh *directory.User) {
	t.Helper()
	ctx := context.Background()
	people := "ou=people,dc=example,dc=com"
	o, err := d.CreateOU(ctx, directory.NewOU{ParentDN: people, Name: "Büro", Protected: true, Country: "Germany"})
	must(t, err)
	fresh, err = d.CreateUser(ctx, directory.NewUser{ParentDN: o.DN, Username: "jürgen", UIDNumber: 1001, GIDNumber: 100,
		HomeDirectory: "/home/jürgen", Description: " leading space", Password: "pw-jürgen", MustChangePassword: true,
		Attributes: map[string][]string{"pager": {"42"}}, Mobile: []string{"1", "2"}})
	must(t, err)
	disabled, err = d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "dis", Surname: "Abled", Password: "pw-dis", Disabled: true})
	must(t, err)
	locked, err = d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "lock", Password: "pw-lock"})
	must(t, err)
	for range 5 {
		d.VerifyPassword(ctx, directory.ByID(locked.ID), "wrong") //nolint:errcheck // locks the account
	}
	_, err = d.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups,dc=example,dc=com", Name: "empty"})
	must(t, err)
	_, err = d.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups,dc=example,dc=com", Name: "staff", GIDNumber: 100,
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(fresh.ID)), directory.UserRef(directory.ByID(disabled.ID))}})
	must(t, err)
	_, err = d.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 2000, Max: 3000})
	must(t, err)
	return locked, disabled, fresh
}

func exportOf(t *testing.T, d *Directory) string {
	t.Helper()
	var buf bytes.Buffer
	n, err := d.Export(context.Background(), &buf)
	must(t, err)
	if want := strings.Count(buf.String(), "\ndn:"); n != want {
		t.Errorf("Export returned %d for %d records", n, want)
	}
	return buf.String()
}

// TestExportLayout checks the export against docs/design/ldap-layout.md.
func TestExportLayout(t *testing.T) {
	d := openTest(t, testConfig(), t.TempDir())
	sample(t, d)
	_, err := d.CreateUser(context.Background(), directory.NewUser{ParentDN: "ou=people,dc=example,dc=com", Username: "partial", UIDNumber: 4242})
	must(t, err)
	out := exportOf(t, d)
	// Without all of uidNumber, gidNumber and homeDirectory a user is no
	// posixAccount; dirgateObject carries what it has.
	if !strings.Contains(out, "dn: uid=partial,ou=people,dc=example,dc=com\nobjectClass: top\nobjectClass: inetOrgPerson\nobjectClass: dirgateObject\nuid: partial\ncn: partial\nsn: partial\nuidNumber: 4242\nentryUUID: ") {
		t.Errorf("the user with only a uidNumber is not written as inetOrgPerson + dirgateObject")
	}
	if !strings.HasPrefix(out, "version: 1\n\ndn: dc=example,dc=com\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\ndc: example\n") {
		t.Errorf("the export does not start with the version and the base entry:\n%.300s", out)
	}
	for _, want := range []string{
		"dn: cn=uidNumber,dc=example,dc=com\nobjectClass: top\nobjectClass: dirgateCounter\ncn: uidNumber\ndirgateNextId: 2001\n",
		"objectClass: inetOrgPerson\nobjectClass: posixAccount\nobjectClass: shadowAccount\nobjectClass: dirgateObject\n",
		"userPassword: {ARGON2}$argon2id$v=19$m=19456,t=2,p=1$",
		"pwdAccountLockedTime: " + disabledLockTime + "\n",
		"pwdReset: TRUE\n",
		"pwdFailureTime: ",
		"loginShell: /bin/bash\n",
		"dirgateProtected: TRUE\n",
		"pager: 42\n",
		"cn: dis\nsn: Abled\n",
		"dn: cn=empty,ou=groups,dc=example,dc=com\nobjectClass: top\nobjectClass: groupOfNames\nobjectClass: dirgateObject\ncn: empty\nmember: \n",
		"objectClass: posixGroup\n",
		"member: uid=dis,ou=people,dc=example,dc=com\n",
		"description:: " + b64std(" leading space") + "\n",
		"dn:: " + b64std("ou=Büro,ou=people,dc=example,dc=com") + "\n",
		"entryUUID: ",
		"createTimestamp: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the export lacks %q", want)
		}
	}
	for _, secret := range []string{"pw-jürgen", "pw-dis", "pw-lock"} {
		if strings.Contains(out, secret) {
			t.Errorf("the export holds the password %q in clear", secret)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if len(line) > ldifFold {
			t.Errorf("line longer than %d: %q", ldifFold, line)
		}
	}
	// It parses, and parents come before children.
	parsed, err := ldif.Parse(out)
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	seen := map[string]bool{}
	for i, e := range parsed.AllEntries() {
		norm := normDN(e.DN)
		if i > 0 {
			parent, _ := directory.ParentDN(e.DN)
			if !seen[normDN(parent)] {
				t.Errorf("%s comes before its parent", e.DN)
			}
		}
		seen[norm] = true
	}
}

func b64std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestExportImportIntoNewStore restores an export into an empty store:
// ids, times, account states and counters come back.
func TestExportImportIntoNewStore(t *testing.T) {
	ctx := context.Background()
	src := openTest(t, testConfig(), t.TempDir())
	locked, disabled, fresh := sample(t, src)
	out := exportOf(t, src)

	dst := openTest(t, testConfig(), t.TempDir())
	n, err := dst.Import(ctx, strings.NewReader(out), false)
	must(t, err)
	// Everything but the base, ou=people and ou=groups, which exist.
	if want := strings.Count(out, "\ndn:") - 3; n.Written() != want {
		t.Errorf("Import wrote %+v, want %d written", n, want)
	}
	for _, u := range []*directory.User{locked, disabled, fresh} {
		was, _ := src.GetUser(ctx, directory.ByID(u.ID))
		got, err := dst.GetUser(ctx, directory.ByID(u.ID))
		if err != nil {
			t.Errorf("user %s is not back under its id: %v", u.Username, err)
			continue
		}
		if got.DN != was.DN || !got.Created.Equal(was.Created) || !got.Modified.Equal(was.Modified) ||
			got.Enabled != was.Enabled || got.Lock != was.Lock || got.MustChangePassword != was.MustChangePassword ||
			got.Description != was.Description || got.Surname != was.Surname || len(got.Attributes["pager"]) != len(was.Attributes["pager"]) {
			t.Errorf("user %s after import:\n got  %+v\n want %+v", u.Username, got, was)
		}
	}
	if _, err := dst.VerifyPassword(ctx, directory.ByName("jürgen"), "pw-jürgen"); err != nil {
		t.Errorf("the imported password does not verify: %v", err)
	}
	o, err := dst.GetOU(ctx, directory.ByDN("ou=Büro,ou=people,dc=example,dc=com"))
	if err != nil || !o.Protected {
		t.Errorf("the protected OU after import: %+v, %v", o, err)
	}
	// The counter came along: no number handed out before comes again.
	if n, err := dst.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 2000, Max: 3000}); err != nil || n != 2001 {
		t.Errorf("AllocateID after import = %d, %v; want 2001", n, err)
	}
	// The two stores export the same entries, but for the counter just
	// advanced and the entries the new store had made itself (the base,
	// ou=people and ou=groups: an import without replace leaves them).
	again := strings.Replace(exportOf(t, dst), "dirgateNextId: 2002", "dirgateNextId: 2001", 1)
	own := map[string]bool{"dn: dc=example,dc=com": true, "dn: ou=people,dc=example,dc=com": true, "dn: ou=groups,dc=example,dc=com": true}
	restored, original := strings.Split(again, "\n\n"), strings.Split(out, "\n\n")
	if len(restored) != len(original) {
		t.Fatalf("the restored store exports %d records, the original %d", len(restored), len(original))
	}
	for i := range original {
		dn, _, _ := strings.Cut(original[i], "\n")
		if !own[dn] && restored[i] != original[i] {
			t.Errorf("record %d differs after the restore:\n%s\n---\n%s", i, restored[i], original[i])
		}
	}
	checkInvariants(t, dst)
}

// foreign is an LDIF as an OpenLDAP server might give it: CRLF lines, a
// comment, folded lines, children before parents, an admin role, a
// posixGroup with memberUid (one in punycode, as the posixGroup model
// writes a username outside ASCII), an empty "member:" and an {SSHA}
// password.
const foreign = "# slapcat\r\n" +
	"dn: cn=admins,ou=groups,dc=example,dc=com\r\n" +
	"objectClass: groupOfNames\r\n" +
	"cn: admins\r\n" +
	"member: uid=alice,ou=staff,dc=exa\r\n mple,dc=com\r\n" +
	"member: cn=nobody,dc=example,dc=com\r\n" +
	"\r\n" +
	"dn: cn=empty,ou=groups,dc=example,dc=com\r\n" +
	"objectClass: groupOfNames\r\n" +
	"cn: empty\r\n" +
	"member:\r\n" +
	"\r\n" +
	"dn: uid=alice,ou=staff,dc=example,dc=com\r\n" +
	"objectClass: inetOrgPerson\r\n" +
	"uid: alice\r\n" +
	"cn: Alice\r\n" +
	"sn: Smith\r\n" +
	"userPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\r\n" +
	"\r\n" +
	"dn: cn=users,ou=groups,dc=example,dc=com\r\n" +
	"objectClass: posixGroup\r\n" +
	"cn: users\r\n" +
	"gidNumber: 500\r\n" +
	"memberUid: alice\r\n" +
	"memberUid: xn--jrgen-kva\r\n" +
	"\r\n" +
	"dn: uid=j\u00fcrgen,ou=staff,dc=example,dc=com\r\n" +
	"objectClass: inetOrgPerson\r\n" +
	"uid: j\u00fcrgen\r\n" +
	"sn: J\r\n" +
	"\r\n" +
	"dn: ou=staff,dc=example,dc=com\r\n" +
	"objectClass: organizationalUnit\r\n" +
	"ou: staff\r\n" +
	"\r\n" +
	"dn: cn=admin,dc=example,dc=com\r\n" +
	"objectClass: organizationalRole\r\n" +
	"cn: admin\r\n" +
	"\r\n"

func TestImportForeignLDIF(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, testConfig(), t.TempDir())
	n, err := d.Import(ctx, strings.NewReader(foreign), false)
	must(t, err)
	if n.Added != 6 {
		t.Errorf("Import wrote %+v, want 6 added (the admin role is skipped)", n)
	}
	alice, err := d.GetUser(ctx, directory.ByName("alice"))
	if err != nil || alice.Surname != "Smith" || alice.DN != "uid=alice,ou=staff,dc=example,dc=com" {
		t.Fatalf("alice: %+v, %v", alice, err)
	}
	if _, err := d.VerifyPassword(ctx, directory.ByID(alice.ID), "secret"); !errors.Is(err, directory.ErrInvalidCredentials) {
		t.Errorf("an {SSHA} password: %v, want ErrInvalidCredentials (the store cannot verify it)", err)
	}
	for group, want := range map[string][]string{"admins": {"alice"}, "users": {"alice", "jürgen"}, "empty": nil} {
		ms, err := d.Members(ctx, directory.ByName(group), false)
		var got []string
		for _, m := range ms {
			got = append(got, m.Name)
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("members of %s: %q, %v; want %q", group, got, err, want)
		}
	}
	checkInvariants(t, d)
}

// TestImportIsAllOrNothing: a bad entry anywhere refuses the whole file.
func TestImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	good := "dn: uid=new,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: new\nsn: New\n\n"
	for _, c := range []struct {
		what string
		ldif string
		want error
	}{
		{"a taken username", good + "dn: uid=taken,ou=groups,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: TAKEN\nsn: x\n\n", directory.ErrAlreadyExists},
		{"an entry outside the domain", good + "dn: uid=x,dc=other,dc=org\nobjectClass: inetOrgPerson\nuid: x\nsn: x\n\n", directory.ErrInvalidInput},
		{"a missing parent", good + "dn: uid=x,ou=missing,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: x\nsn: x\n\n", directory.ErrNotFound},
		{"a change record", good + "dn: uid=x,ou=people,dc=example,dc=com\nchangetype: delete\n\n", directory.ErrInvalidInput},
		{"an argon2 hash of absurd cost", good + "dn: uid=x,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: x\nsn: x\n" +
			"userPassword: {ARGON2}$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$AAAAAAAAAAAA\n\n", directory.ErrInvalidInput},
		{"a bad number", good + "dn: uid=x,ou=people,dc=example,dc=com\nobjectClass: posixAccount\nuid: x\nuidNumber: many\n\n", directory.ErrInvalidInput},
		{"no LDIF at all", "this is not LDIF\n", directory.ErrInvalidInput},
	} {
		d := openTest(t, NewConfig(), t.TempDir())
		_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people,dc=example,dc=com", Username: "taken"})
		must(t, err)
		if _, err := d.Import(ctx, strings.NewReader(c.ldif), true); !errors.Is(err, c.want) {
			t.Errorf("%s: Import = %v, want %v", c.what, err, c.want)
		}
		if _, err := d.GetUser(ctx, directory.ByName("new")); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("%s: the refused import wrote an entry (%v)", c.what, err)
		}
		checkInvariants(t, d)
	}
}

// TestImportNeverLowersCounters: a counter only moves up.
func TestImportNeverLowersCounters(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, NewConfig(), t.TempDir())
	for range 3 {
		_, err := d.AllocateID(ctx, directory.GIDSequence, directory.Range{Min: 10, Max: 100})
		must(t, err)
	}
	low := "dn: cn=gidNumber,dc=example,dc=com\nobjectClass: dirgateCounter\ncn: gidNumber\ndirgateNextId: 5\n\n"
	if n, err := d.Import(ctx, strings.NewReader(low), true); err != nil || n.Written() != 0 {
		t.Errorf("importing a lower counter: %+v, %v; want 0 written", n, err)
	}
	if n, _ := d.AllocateID(ctx, directory.GIDSequence, directory.Range{Min: 10, Max: 100}); n != 13 {
		t.Errorf("AllocateID after importing a lower counter = %d, want 13", n)
	}
	high := strings.Replace(low, "dirgateNextId: 5", "dirgateNextId: 50", 1)
	if n, err := d.Import(ctx, strings.NewReader(high), false); err != nil || n.Written() != 1 {
		t.Errorf("importing a higher counter: %+v, %v; want 1 written", n, err)
	}
	if n, _ := d.AllocateID(ctx, directory.GIDSequence, directory.Range{Min: 10, Max: 100}); n != 50 {
		t.Errorf("AllocateID after importing a higher counter = %d, want 50", n)
	}
}
