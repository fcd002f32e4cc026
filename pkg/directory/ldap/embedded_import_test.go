package ldap_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
)

// TestEmbeddedExportImportsIntoOpenLDAP moves a quick start: an embedded
// directory's export imports into slapd, where logons, ids, account
// state, memberships and numbering carry on.
func TestEmbeddedExportImportsIntoOpenLDAP(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	ctx := t.Context()
	ec := embedded.NewConfig()
	src, err := ec.Open(ctx, directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix, DataDir: t.TempDir(), Log: testLogger()})
	if err != nil {
		t.Fatalf("embedded: %v", err)
	}
	defer src.Close()

	ou, err := src.CreateOU(ctx, directory.NewOU{ParentDN: srv.Suffix, Name: "staff", Protected: true, City: "Köln"})
	must(t, err)
	uid, err := src.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 10000, Max: 20000})
	must(t, err)
	alice, err := src.CreateUser(ctx, directory.NewUser{ParentDN: ou.DN, Username: "alice", Surname: "Liddell",
		DisplayName: "Alice Liddell", UIDNumber: uid, GIDNumber: 10000, HomeDirectory: "/home/alice",
		Password: "Alice-Secret-1", MustChangePassword: true})
	must(t, err)
	bob, err := src.CreateUser(ctx, directory.NewUser{ParentDN: ou.DN, Username: "bob", Surname: "B",
		Password: "Bob-Secret-1", Disabled: true})
	must(t, err)
	inner, err := src.CreateGroup(ctx, directory.NewGroup{ParentDN: srv.Suffix, Name: "inner", GIDNumber: 10001,
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(alice.ID))}})
	must(t, err)
	_, err = src.CreateGroup(ctx, directory.NewGroup{ParentDN: srv.Suffix, Name: "outer", Members: []directory.PrincipalRef{
		directory.GroupRef(directory.ByID(inner.ID)), directory.UserRef(directory.ByID(bob.ID))}})
	must(t, err)
	_, err = src.CreateGroup(ctx, directory.NewGroup{ParentDN: srv.Suffix, Name: "empty"})
	must(t, err)

	var ldif bytes.Buffer
	if _, err := src.Export(ctx, &ldif); err != nil {
		t.Fatalf("embedded Export: %v", err)
	}
	dst := open(t, config(srv, slapd.GroupOfNames))
	n, err := dst.Import(ctx, bytes.NewReader(ldif.Bytes()), false)
	if err != nil {
		t.Fatalf("Import of the embedded export: %v\n%s", err, ldif.String())
	}
	if n.Added < 6 {
		t.Errorf("Import wrote %+v, want at least 6 added", n)
	}

	got, err := dst.VerifyPassword(ctx, directory.ByName("alice"), "Alice-Secret-1")
	if err != nil {
		t.Fatalf("alice logs on with her embedded (argon2) password: %v", err)
	}
	if got.ID != alice.ID || !got.MustChangePassword || got.UIDNumber != uid || got.DisplayName != "Alice Liddell" {
		t.Errorf("alice after the move: %+v", got)
	}
	if _, err := dst.VerifyPassword(ctx, directory.ByName("bob"), "Bob-Secret-1"); !errors.Is(err, directory.ErrAccountDisabled) {
		t.Errorf("bob (disabled) after the move: %v", err)
	}
	ms, err := dst.MemberOf(ctx, directory.UserRef(directory.ByName("alice")), true)
	if err != nil || len(ms) != 2 {
		t.Errorf("alice's groups after the move (inner, and outer through it): %+v, %v", ms, err)
	}
	if m, err := dst.Members(ctx, directory.ByName("empty"), true); err != nil || len(m) != 0 {
		t.Errorf("the empty group after the move: %v, %v", m, err)
	}
	if o, err := dst.GetOU(ctx, directory.ByID(ou.ID)); err != nil || !o.Protected || o.City != "Köln" {
		t.Errorf("the OU after the move: %+v, %v", o, err)
	}
	next, err := dst.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 10000, Max: 20000})
	if err != nil || next <= uid {
		t.Errorf("AllocateID after the move = %d, %v; want a number after %d", next, err, uid)
	}
	ctx2, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := dst.ChangePassword(ctx2, directory.ByName("alice"), "Alice-Secret-1", "Alice-Secret-2"); err != nil {
		t.Errorf("alice changes her password on OpenLDAP: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestEmbeddedExtrasMoveOrAreNamed: the quick start's default extra
// attributes include AD's; inetOrgPerson's move to OpenLDAP with their
// user, and an AD-only one (department) stops the import with an error
// that names it rather than being dropped.
func TestEmbeddedExtrasMoveOrAreNamed(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	ctx := t.Context()
	src, err := embedded.NewConfig().Open(ctx, directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix, DataDir: t.TempDir(), Log: testLogger()})
	must(t, err)
	defer src.Close()
	carol, err := src.CreateUser(ctx, directory.NewUser{ParentDN: srv.Suffix, Username: "carol", Surname: "C",
		Attributes: map[string][]string{"pager": {"555"}, "roomNumber": {"12"}}})
	must(t, err)
	var ldif bytes.Buffer
	_, err = src.Export(ctx, &ldif)
	must(t, err)
	dst := open(t, config(srv, slapd.GroupOfNames))
	if _, err := dst.Import(ctx, bytes.NewReader(ldif.Bytes()), false); err != nil {
		t.Fatalf("Import: %v", err)
	}
	raw := srv.Dial(t)
	res, err := raw.Search(goldap.NewSearchRequest(carol.DN, goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)",
		[]string{"pager", "roomNumber"}, nil))
	if err != nil || len(res.Entries) != 1 || res.Entries[0].GetAttributeValue("pager") != "555" || res.Entries[0].GetAttributeValue("roomNumber") != "12" {
		t.Errorf("carol's inetOrgPerson extras after the move: %v %v", res, err)
	}

	_, err = src.UpdateUser(ctx, directory.ByID(carol.ID), directory.UserPatch{
		Attributes: map[string][]string{"department": {"Sales"}}})
	must(t, err)
	ldif.Reset()
	_, err = src.Export(ctx, &ldif)
	must(t, err)
	_, err = dst.Import(ctx, bytes.NewReader(ldif.Bytes()), true)
	if !errors.Is(err, directory.ErrInvalidInput) || !strings.Contains(err.Error(), "department") {
		t.Errorf("Import of an AD-only attribute: %v, want an invalid-input error naming department", err)
	}
}
