package ldap_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestReferrals: a subtree of server A refers to server B (as a read-only
// consumer refers writes to its provider). By default a referral is an
// error, never chased; with referrals: follow, the call is sent once to
// the referred server with the same credentials.
func TestReferrals(t *testing.T) {
	const password = "shared-root-password"
	b := slapd.Start(t, slapd.Options{Disable: slapd.TLS, RootPassword: password,
		LDIF: "dn: ou=remote,dc=example,dc=com\nobjectClass: organizationalUnit\nou: remote\n"})
	a := slapd.Start(t, slapd.Options{Disable: slapd.TLS, RootPassword: password, LDIF: fmt.Sprintf(
		"dn: ou=remote,dc=example,dc=com\nobjectClass: referral\nobjectClass: extensibleObject\nou: remote\nref: %s/ou=remote,dc=example,dc=com\n", b.URL)})
	remote := "ou=remote," + a.Suffix

	ignoring := open(t, config(a, slapd.GroupOfNames))
	_, err := ignoring.CreateUser(t.Context(), directory.NewUser{ParentDN: remote, Username: "far", Surname: "F"})
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "Referral") {
		t.Errorf("a write below a referral, not followed: %v, want ErrUnavailable naming the referral", err)
	}

	c := config(a, slapd.GroupOfNames)
	c.Referrals = "follow"
	following := open(t, c)
	u, err := following.CreateUser(t.Context(), directory.NewUser{ParentDN: remote, Username: "far", Surname: "F"})
	if err != nil {
		t.Fatalf("a write below a referral, followed: %v", err)
	}
	onB := open(t, config(b, slapd.GroupOfNames))
	if got, err := onB.GetUser(t.Context(), directory.ByDN(u.DN)); err != nil || got.ID != u.ID {
		t.Errorf("the user is not on the referred server: %v, %v", got, err)
	}
}
