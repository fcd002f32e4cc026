package ldap_test

import (
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestPasswordInAddIsHashedByTheServer: with passwordInAdd a new user's
// password travels in its add; slapd (ppolicy_hash_cleartext) stores a
// hash, never the clear text, and the account state asked for holds.
func TestPasswordInAddIsHashedByTheServer(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	c := config(srv, slapd.GroupOfNames)
	c.PasswordInAdd = true
	d := open(t, c)
	base := srv.FreshOU(t)
	const pw = "In-The-Add-1"
	u, err := d.CreateUser(t.Context(), directory.NewUser{ParentDN: base, Username: "inadd", Surname: "x",
		Password: pw, MustChangePassword: true})
	if err != nil {
		t.Fatal(err)
	}
	stored := readRaw(t, srv.Dial(t), u.DN, "userPassword").GetAttributeValue("userPassword")
	if !strings.HasPrefix(stored, "{") || strings.Contains(stored, pw) {
		t.Fatalf("userPassword stored as %q, want a server-made hash", stored)
	}
	got, err := d.VerifyPassword(t.Context(), directory.ByID(u.ID), pw)
	if err != nil || !got.MustChangePassword {
		t.Fatalf("logon: %v, MustChange %v; want the user, must-change", err, got != nil && got.MustChangePassword)
	}

	off, err := d.CreateUser(t.Context(), directory.NewUser{ParentDN: base, Username: "inaddoff", Surname: "x",
		Password: pw, Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if off.Enabled {
		t.Error("a user created disabled with a password in its add is enabled")
	}
	if err := bindAs(srv, off.DN, pw); err == nil {
		t.Error("a user created disabled could bind")
	}
}
