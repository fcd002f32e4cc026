package privacyidea

import (
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestPolicyAdminsByDN: a policy naming an admin by DN applies to that
// entry only, whatever its username; names match the username now.
func TestPolicyAdminsByDN(t *testing.T) {
	root := &directory.User{Username: "root", DN: "uid=root,ou=people,dc=example,dc=com"}
	renamed := &directory.User{Username: "root", DN: "uid=helpdesk,ou=people,dc=example,dc=com"}
	for _, tc := range []struct {
		accounts []string
		u        *directory.User
		realm    string
		want     bool
	}{
		{[]string{"UID=Root, ou=People,dc=example,dc=com"}, root, "corp", true},
		{[]string{"uid=root,ou=people,dc=example,dc=com"}, renamed, "corp", false},
		{[]string{"root"}, renamed, "corp", true},
		{[]string{"root@corp"}, root, "corp", true},
		{[]string{"root@sales"}, root, "corp", false},
	} {
		if got := matchesAccount(tc.accounts, tc.u, tc.realm); got != tc.want {
			t.Errorf("matchesAccount(%v, %s at %s, %s) = %v, want %v", tc.accounts, tc.u.Username, tc.u.DN, tc.realm, got, tc.want)
		}
	}
}
