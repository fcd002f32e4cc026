package faults

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

const (
	suffix   = "dc=example,dc=com"
	peopleDN = "ou=people," + suffix
)

// containersLDIF is the tree the Kanboard dialect writes in.
const containersLDIF = `dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups
`

// The LDAP backend's timeouts in every slapd test: a third of the
// defaults, so that a request stuck on the directory shows in the
// latencies, yet above what a create takes on a busy two-core machine.
const (
	dialTimeout    = time.Second
	requestTimeout = 5 * time.Second
)

// slack is how much later than its configured bound something may happen
// on a loaded two-core machine (scheduling, not waiting).
const slack = 500 * time.Millisecond

// ldapConfig renders a dirgate configuration with one domain on the LDAP
// servers urls (bound as srv's service account) and the Kanboard dialect.
func ldapConfig(t *testing.T, srv *slapd.Server, urls []string, token string, extra map[string]any) string {
	t.Helper()
	return ldapConfigWith(t, srv, urls, token, nil, extra)
}

// ldapConfigWith is ldapConfig with more keys in the backend block.
func ldapConfigWith(t *testing.T, srv *slapd.Server, urls []string, token string, backendExtra, extra map[string]any) string {
	t.Helper()
	backend := map[string]any{"type": "ldap", "config": map[string]any{
		"urls":             urls,
		"bindDN":           srv.BindDN,
		"bindPassword":     srv.BindPassword,
		"groupModel":       string(srv.Options.Groups),
		"passwordPolicyDN": srv.PolicyDN,
		// slapd hashes cleartext on add: a user is created with its
		// password in one operation, never without it.
		"passwordInAdd":  true,
		"dialTimeout":    dialTimeout.String(),
		"requestTimeout": requestTimeout.String(),
	}}
	for k, v := range backendExtra {
		backend["config"].(map[string]any)[k] = v
	}
	doc := map[string]any{
		"log":      map[string]any{"level": "warn"},
		"dialects": map[string]any{"kanboard": map[string]any{"config": map[string]any{"token": token}}},
	}
	for k, v := range extra {
		doc[k] = v
	}
	return e2eutil.DomainConfig(t, "example.com", backend, doc)
}

// directoryUsers reads every user under ou=people straight from srv:
// username → uidNumber.
func directoryUsers(t *testing.T, srv *slapd.Server) map[string]int64 {
	t.Helper()
	conn := srv.Dial(t)
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(peopleDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=inetOrgPerson)", []string{"uid", "uidNumber"}, nil), 500)
	if err != nil {
		t.Fatalf("reading the users of %s: %v", srv.URL, err)
	}
	users := make(map[string]int64, len(res.Entries))
	for _, e := range res.Entries {
		n, err := strconv.ParseInt(e.GetAttributeValue("uidNumber"), 10, 64)
		if err != nil {
			t.Errorf("%s on %s: uidNumber %q", e.DN, srv.URL, e.GetAttributeValue("uidNumber"))
		}
		users[e.GetAttributeValue("uid")] = n
	}
	return users
}

// passwordless lists the users under ou=people that have no password: a
// create that failed between adding the entry and setting its password,
// and could not remove the entry (its server had gone).
func passwordless(t *testing.T, srv *slapd.Server) []string {
	t.Helper()
	conn := srv.Dial(t)
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(peopleDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
		0, 0, false, "(&(objectClass=inetOrgPerson)(!(userPassword=*)))", []string{"uid"}, nil), 500)
	if err != nil {
		t.Fatalf("reading the users of %s: %v", srv.URL, err)
	}
	var names []string
	for _, e := range res.Entries {
		names = append(names, e.GetAttributeValue("uid"))
	}
	return names
}

// checkAcked reports every acknowledged write missing from users or
// holding another number than dirgate answered; it returns how many were
// wrong.
func checkAcked(t *testing.T, where string, acked, users map[string]int64) int {
	t.Helper()
	wrong := 0
	for name, id := range acked {
		got, ok := users[name]
		switch {
		case !ok:
			t.Errorf("%s: acknowledged user %s (id %d) is missing", where, name, id)
			wrong++
		case got != id:
			t.Errorf("%s: acknowledged user %s has uidNumber %d, dirgate answered %d", where, name, got, id)
			wrong++
		}
	}
	return wrong
}

// duplicateNumbers returns the uidNumbers held by more than one user.
func duplicateNumbers(users map[string]int64) map[int64][]string {
	by := map[int64][]string{}
	for name, n := range users {
		by[n] = append(by[n], name)
	}
	for n, names := range by {
		if len(names) < 2 {
			delete(by, n)
		}
	}
	return by
}

func random(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func token() string { return fmt.Sprintf("faults-%s", random(24)) }
