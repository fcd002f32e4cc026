package serve

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// bareAdminsConfig still names admins by username in both dialects that
// had them.
const bareAdminsConfig = `
domains:
  - name: example.com
    backend: {type: embedded}
dialects:
  privacyidea:
    config:
      secret: bare-admins-secret-0123456789
      resolvers: {people: {editable: true}}
      realms: {corp: {resolvers: [people]}}
      admins: {users: [root, alice@corp]}
  openapi:
    config:
      jwtSecret: bare-admins-jwt-secret-0123456789abcdef
      invitations: {secret: bare-admins-invitation-secret-0123456789}
      admins: [alice]
`

// TestConfigRefusesBareAdminNames: config check and serve refuse admins
// listed by username, and say how to name them instead.
func TestConfigRefusesBareAdminNames(t *testing.T) {
	path := t.TempDir() + "/bare-admins.yaml"
	if err := writeFile(path, bareAdminsConfig); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"dialects.privacyidea.config: privacyidea: admins.users lists bare usernames (root, alice@corp); whoever creates a free one of those names would be an admin: " +
			"list each admin's DN under admins.dns (e.g. uid=alice,ou=people,dc=example,dc=com), or make them members of a group listed under admins.groups, and remove admins.users",
		"dialects.openapi.config.admins: lists bare usernames (alice); whoever creates a free one of those names would be an admin: " +
			`list each admin's DN under adminDNs (e.g. uid=alice,ou=people,dc=example,dc=com), or make them members of adminGroup ("dirgate-admins"), and remove admins`,
	}
	for _, args := range [][]string{
		{"config", "check", "--config", path},
		{"serve", "--config", path, "--data-dir", t.TempDir(), "--listen", e2eutil.FreeAddr(t)},
	} {
		t.Run(args[0], func(t *testing.T) {
			res := e2eutil.Run(t, nil, args...)
			if res.Code == 0 {
				t.Fatalf("dirgate %s accepted admins by username\n%s%s", args[0], res.Stdout, res.Stderr)
			}
			for _, w := range want {
				if !hasLine(res.Stderr, w) {
					t.Errorf("no problem line %q", w)
				}
			}
			if t.Failed() {
				t.Logf("stderr:\n%s", res.Stderr)
			}
		})
	}
}
