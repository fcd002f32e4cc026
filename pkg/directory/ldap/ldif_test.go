package ldap_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// argon2Hash renders a password as the embedded backend and OpenLDAP's
// argon2 module write it.
func argon2Hash(password string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(password), salt, 2, 19456, 1, 32)
	return fmt.Sprintf("{ARGON2}$argon2id$v=%d$m=19456,t=2,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// embeddedExport is an export in the layout of docs/design/ldap-layout.md,
// as the embedded backend writes it: base entry, counters, an OU, users
// with {ARGON2} hashes and ids, a group holding the empty-DN placeholder,
// another with members, account state in ppolicy attributes.
func embeddedExport(base string) string {
	return fmt.Sprintf(`version: 1

dn: %[1]s
objectClass: top
objectClass: dcObject
objectClass: organization
dc: example
o: example

dn: cn=uidNumber,%[1]s
objectClass: top
objectClass: dirgateCounter
cn: uidNumber
dirgateNextId: 10002

dn: ou=people,%[1]s
objectClass: top
objectClass: organizationalUnit
objectClass: dirgateObject
ou: people
dirgateProtected: TRUE
entryUUID: 0b7a6f4e-1111-4c3b-9d7e-0123456789ab
createTimestamp: 20240101120000Z
modifyTimestamp: 20240101120000Z

dn: uid=alice,ou=people,%[1]s
objectClass: top
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
objectClass: dirgateObject
uid: alice
cn: Alice Liddell
sn: Liddell
displayName: Alice Liddell
uidNumber: 10000
gidNumber: 10000
homeDirectory: /home/alice
loginShell: /bin/bash
userPassword: %[2]s
pwdReset: TRUE
entryUUID: 0b7a6f4e-2222-4c3b-9d7e-0123456789ab
createTimestamp: 20240101120000Z
modifyTimestamp: 20240102120000Z

dn: uid=bob,ou=people,%[1]s
objectClass: top
objectClass: inetOrgPerson
objectClass: dirgateObject
uid: bob
cn: bob
sn: bob
userPassword: %[3]s
pwdAccountLockedTime: 000001010000Z
entryUUID: 0b7a6f4e-3333-4c3b-9d7e-0123456789ab

dn: cn=readers,%[1]s
objectClass: top
objectClass: groupOfNames
objectClass: posixGroup
objectClass: dirgateObject
cn: readers
gidNumber: 10000
member: uid=alice,ou=people,%[1]s
member: uid=bob,ou=people,%[1]s

dn: cn=nobody,%[1]s
objectClass: top
objectClass: groupOfNames
objectClass: dirgateObject
cn: nobody
member:

`, base, argon2Hash("Alice-Secret-1"), argon2Hash("Bob-Secret-1"))
}

// TestImportEmbeddedExport: an embedded quick-start moves into OpenLDAP:
// logons, ids, account state, memberships and counters come along.
func TestImportEmbeddedExport(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	d := open(t, config(srv, slapd.GroupOfNames))
	ctx := t.Context()
	n, err := d.Import(ctx, strings.NewReader(embeddedExport(srv.Suffix)), false)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if n.Added != 6 { // all but the existing base entry
		t.Errorf("Import wrote %+v, want 6 added", n)
	}
	alice, err := d.VerifyPassword(ctx, directory.ByName("alice"), "Alice-Secret-1")
	if err != nil {
		t.Fatalf("VerifyPassword(alice) with her {ARGON2} hash: %v", err)
	}
	if alice.ID != "0b7a6f4e-2222-4c3b-9d7e-0123456789ab" || !alice.MustChangePassword || alice.UIDNumber != 10000 {
		t.Errorf("alice = ID %s, MustChange %v, uid %d", alice.ID, alice.MustChangePassword, alice.UIDNumber)
	}
	if alice.Created.Year() != 2024 {
		t.Errorf("alice was created %v, want the exported 2024 timestamp", alice.Created)
	}
	if _, err := d.VerifyPassword(ctx, directory.ByName("bob"), "Bob-Secret-1"); !errors.Is(err, directory.ErrAccountDisabled) {
		t.Errorf("VerifyPassword(bob, disabled): %v", err)
	}
	ms, err := d.Members(ctx, directory.ByName("readers"), false)
	if err != nil || len(ms) != 2 {
		t.Errorf("Members(readers) = %v, %v", ms, err)
	}
	if ms, err := d.Members(ctx, directory.ByName("nobody"), false); err != nil || len(ms) != 0 {
		t.Errorf("Members(nobody) = %v, %v; want none (the placeholder is hidden)", ms, err)
	}
	ou, err := d.GetOU(ctx, directory.ByID("0b7a6f4e-1111-4c3b-9d7e-0123456789ab"))
	if err != nil || !ou.Protected {
		t.Errorf("GetOU(people) = %+v, %v", ou, err)
	}
	if n, err := d.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 10000, Max: 20000}); err != nil || n != 10002 {
		t.Errorf("AllocateID after import = %d, %v; want the exported counter's 10002", n, err)
	}

	// And back out: the export holds the same entries, parents first.
	var out bytes.Buffer
	written, err := d.Export(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	if written < 7 {
		t.Errorf("Export wrote %d entries, want at least 7", written)
	}
	text := out.String()
	if i, j := strings.Index(text, "dn: ou=people,"), strings.Index(text, "dn: uid=alice,"); i < 0 || j < i {
		t.Errorf("the export does not put ou=people before alice:\n%s", text)
	}
	if !strings.Contains(text, "entryUUID: 0b7a6f4e-2222-4c3b-9d7e-0123456789ab") {
		t.Error("the export lacks alice's entryUUID")
	}
	if strings.Contains(text, "hasSubordinates") {
		t.Error("the export holds hasSubordinates")
	}
}

func TestImportRefusesChangeRecordsAndForeignEntries(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	d := open(t, config(srv, slapd.GroupOfNames))
	for name, ldif := range map[string]string{
		"modify record": "dn: " + srv.Suffix + "\nchangetype: modify\nreplace: o\no: x\n-\n",
		"outside base":  "dn: dc=other,dc=org\nobjectClass: dcObject\nobjectClass: organization\ndc: other\no: other\n",
		"not LDIF":      "this is not\nLDIF at all\n",
	} {
		if _, err := d.Import(t.Context(), strings.NewReader(ldif), false); !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("Import(%s) = %v, want ErrInvalidInput", name, err)
		}
	}
}
