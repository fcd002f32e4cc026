package ldap_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
)

const (
	adPassword1 = "Ad-Acc0unt-Pass!"
	adPassword2 = "Sec0nd-Ad-Pass#"
)

// adBind tries a simple bind over LDAPS straight to the DC, as any
// application would, and returns AD's reason code ("" on success).
func adBind(t *testing.T, srv *samba.Server, dn, password string) string {
	t.Helper()
	cfg, err := srv.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := goldap.DialURL(srv.URL, goldap.DialWithTLSConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Bind(dn, password)
	if err == nil {
		return ""
	}
	if !goldap.IsErrorWithCode(err, goldap.LDAPResultInvalidCredentials) {
		t.Fatalf("bind as %s: %v", dn, err)
	}
	msg := err.Error()
	if i := strings.Index(msg, "data "); i >= 0 {
		return strings.SplitN(msg[i+5:], ",", 2)[0]
	}
	return msg
}

// adRead reads one attribute straight from the DC.
func adRead(t *testing.T, srv *samba.Server, dn, attr string) string {
	t.Helper()
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil {
		t.Fatalf("reading %s of %s: %v", attr, dn, err)
	}
	return res.Entries[0].GetAttributeValue(attr)
}

// adModify changes an entry straight on the DC, as an administrator's
// tool would.
func adModify(t *testing.T, srv *samba.Server, dn string, changes ...goldap.Change) {
	t.Helper()
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Modify(&goldap.ModifyRequest{DN: dn, Changes: changes}); err != nil {
		t.Fatalf("modifying %s: %v", dn, err)
	}
}

func adReplace(attr string, vals ...string) goldap.Change {
	return goldap.Change{Operation: goldap.ReplaceAttribute, Modification: goldap.PartialAttribute{Type: attr, Vals: vals}}
}

// TestADAccountLifecycle: a user created in an OU gets its password over
// LDAPS and binds with it straight at the DC; disabling, locking by
// failed binds and must-change are AD's own states, which the DC enforces
// on every bind, and dirgate reads and lifts them.
func TestADAccountLifecycle(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	ou, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "Staff"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: ou.DN, Username: "lifecycle", GivenName: "Life", Surname: "Cycle",
		DisplayName: "Life Cycle", UserPrincipalName: "lifecycle@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.ToLower(u.DN), "cn=lifecycle,ou=staff,") || !u.Enabled || u.MustChangePassword {
		t.Fatalf("created %s, enabled %v, must change %v", u.DN, u.Enabled, u.MustChangePassword)
	}
	ref := directory.ByID(u.ID)
	if got := adBind(t, srv, u.DN, adPassword1); got == "" {
		t.Fatal("a user created without a password binds with an arbitrary one")
	}

	// Password over LDAPS, then a bind straight at the DC.
	if err := d.SetPassword(ctx, ref, adPassword1, false); err != nil {
		t.Fatal(err)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "" {
		t.Fatalf("bind with the password dirgate set: data %s", got)
	}
	if got := adBind(t, srv, "lifecycle@example.com", adPassword1); got != "" {
		t.Errorf("bind by userPrincipalName: data %s", got)
	}

	// Disabled: the DC refuses the bind (533); every other bit of
	// userAccountControl stays (here NOT_DELEGATED).
	adModify(t, srv, u.DN, adReplace("userAccountControl", strconv.Itoa(0x200|0x100000)))
	if err := d.SetEnabled(ctx, ref, false); err != nil {
		t.Fatal(err)
	}
	if got := adRead(t, srv, u.DN, "userAccountControl"); got != strconv.Itoa(0x200|0x100000|0x2) {
		t.Errorf("userAccountControl after disabling = %s, want %d", got, 0x200|0x100000|0x2)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "533" {
		t.Errorf("bind of a disabled account: data %q, want 533", got)
	}
	if _, err := d.VerifyPassword(ctx, ref, adPassword1); !errors.Is(err, directory.ErrAccountDisabled) {
		t.Errorf("VerifyPassword of a disabled account: %v", err)
	}
	if err := d.SetEnabled(ctx, ref, true); err != nil {
		t.Fatal(err)
	}
	if got := adRead(t, srv, u.DN, "userAccountControl"); got != strconv.Itoa(0x200|0x100000) {
		t.Errorf("userAccountControl after enabling = %s, want %d", got, 0x200|0x100000)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "" {
		t.Errorf("bind after enabling: data %s", got)
	}

	// Locked by failed binds: the DC counts them and locks at the
	// domain's threshold (775), whatever the password.
	if n := d.Capabilities().LockoutThreshold; n != srv.LockoutThreshold {
		t.Fatalf("LockoutThreshold = %d, want the domain's %d", n, srv.LockoutThreshold)
	}
	for i := range srv.LockoutThreshold {
		if _, err := d.VerifyPassword(ctx, ref, "Wrong-Passw0rd"); !errors.Is(err, directory.ErrInvalidCredentials) && !errors.Is(err, directory.ErrAccountLocked) {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "775" {
		t.Errorf("bind of a locked account: data %q, want 775", got)
	}
	got, err := d.GetUser(ctx, ref)
	if err != nil || !got.Lock.Locked || got.Lock.Reason != directory.LockTooManyFailures || got.Lock.Until.Sub(got.Lock.Since) <= 0 {
		t.Errorf("GetUser of a locked account: %+v, %v", got, err)
	}
	if _, err := d.VerifyPassword(ctx, ref, adPassword1); !errors.Is(err, directory.ErrAccountLocked) {
		t.Errorf("VerifyPassword of a locked account: %v", err)
	}
	if err := d.Unlock(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if got := adRead(t, srv, u.DN, "lockoutTime"); got != "0" {
		t.Errorf("lockoutTime after Unlock = %s", got)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "" {
		t.Errorf("bind after Unlock: data %s", got)
	}

	// Must change: pwdLastSet 0; the DC refuses the bind (773); dirgate
	// returns the user with MustChangePassword, and the user's own
	// change (old + new) clears it.
	if err := d.SetPassword(ctx, ref, adPassword1, true); err != nil {
		t.Fatal(err)
	}
	if got := adRead(t, srv, u.DN, "pwdLastSet"); got != "0" {
		t.Errorf("pwdLastSet after SetPassword(mustChange) = %s", got)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "773" {
		t.Errorf("bind of a must-change account: data %q, want 773", got)
	}
	v, err := d.VerifyPassword(ctx, ref, adPassword1)
	if err != nil || !v.MustChangePassword {
		t.Fatalf("VerifyPassword of a must-change account: %+v, %v", v, err)
	}
	if err := d.ChangePassword(ctx, ref, "Wrong-Passw0rd", adPassword2); !errors.Is(err, directory.ErrInvalidCredentials) {
		t.Errorf("ChangePassword with a wrong old password: %v", err)
	}
	if err := d.ChangePassword(ctx, ref, adPassword1, adPassword2); err != nil {
		t.Fatal(err)
	}
	if got := adBind(t, srv, u.DN, adPassword2); got != "" {
		t.Errorf("bind with the changed password: data %s", got)
	}
	if got, _ := d.GetUser(ctx, ref); got.MustChangePassword {
		t.Error("MustChangePassword after the user's own change")
	}

	// A password that never expires is never forced to change: AD
	// ignores pwdLastSet 0 there, and dirgate says so.
	adModify(t, srv, u.DN, adReplace("userAccountControl", strconv.Itoa(0x200|0x10000)))
	if err := d.SetPassword(ctx, ref, adPassword1, true); err != nil {
		t.Fatal(err)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "" {
		t.Errorf("bind of a never-expiring account with pwdLastSet 0: data %s", got)
	}
	if got, _ := d.GetUser(ctx, ref); got.MustChangePassword {
		t.Error("MustChangePassword on an account whose password never expires")
	}
}

// TestADPasswordPolicy: the domain's complexity, length and history rules
// refuse passwords with ErrPasswordPolicy and a readable reason, and a
// create with such a password creates nothing.
func TestADPasswordPolicy(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "policy", Password: adPassword1})
	if err != nil {
		t.Fatal(err)
	}
	ref := directory.ByID(u.ID)
	for _, weak := range []string{"simplepassword", "Ab1!", "lowercase12345"} {
		err := d.SetPassword(ctx, ref, weak, false)
		if !errors.Is(err, directory.ErrPasswordPolicy) || !strings.Contains(err.Error(), "password policy") {
			t.Errorf("SetPassword(%q): %v, want ErrPasswordPolicy saying why", weak, err)
		}
	}
	if err := d.ChangePassword(ctx, ref, adPassword1, adPassword1); !errors.Is(err, directory.ErrPasswordPolicy) {
		t.Errorf("ChangePassword to the same password (history): %v", err)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "" {
		t.Errorf("the refused changes touched the password: data %s", got)
	}
	_, err = d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "weakling", Password: "weak"})
	if !errors.Is(err, directory.ErrPasswordPolicy) {
		t.Errorf("CreateUser with a weak password: %v", err)
	}
	if _, err := d.GetUser(ctx, directory.ByName("weakling")); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("CreateUser with a weak password left the user: %v", err)
	}
}
