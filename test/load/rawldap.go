package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// userAttributes are what dirgate's OpenLDAP profile reads of a user: the
// raw search asks for the same, so both move the same bytes.
var userAttributes = []string{
	"entryUUID", "createTimestamp", "modifyTimestamp", "uid", "cn", "givenName", "sn", "displayName",
	"mail", "telephoneNumber", "mobile", "title", "description", "uidNumber", "gidNumber", "homeDirectory",
	"dirgatePrincipalName", "dirgateExternalId", "dirgateSystem", "dirgateInvitationPending",
	"dirgateInvitationExpiry", "objectClass", "pwdAccountLockedTime", "pwdFailureTime", "pwdReset", "pwdEndTime",
}

// createPassword is the password of every created user.
const createPassword = "Load-Pw-12345"

// dialLDAP opens one connection bound as the service account.
func (s *stack) dialLDAP() (*ldap.Conn, error) {
	conn, err := ldap.DialURL(s.srv.URL, ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", s.srv.URL, err)
	}
	conn.SetTimeout(30 * time.Second)
	if err := conn.Bind(s.srv.BindDN, s.srv.BindPassword); err != nil {
		conn.Close()
		return nil, fmt.Errorf("bind: %w", err)
	}
	return conn, nil
}

// rawGet searches one random user by uid on a bound connection per
// client, the way a well-written direct LDAP client does.
func (s *stack) rawGet() target {
	return target{kind: kindGet, name: "raw LDAP", client: func(_ context.Context, run, i int) (op, func(), error) {
		conn, err := s.dialLDAP()
		if err != nil {
			return nil, nil, err
		}
		rng := rand.New(rand.NewPCG(uint64(run), uint64(i)))
		return func(context.Context) error {
			name := s.fx.username(rng.IntN(s.fx.users))
			res, err := conn.Search(ldap.NewSearchRequest(suffix, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
				"(&(objectClass=inetOrgPerson)(uid="+name+"))", userAttributes, nil))
			if err != nil {
				return err
			}
			if len(res.Entries) != 1 {
				return fmt.Errorf("search uid=%s: %d entries", name, len(res.Entries))
			}
			return nil
		}, func() { conn.Close() }, nil
	}}
}

// rawCreate adds one user per request with everything dirgate's create
// writes (ldap-layout.md), the password included: one add.
func (s *stack) rawCreate() target {
	return target{kind: kindCreate, name: "raw LDAP", client: func(_ context.Context, run, i int) (op, func(), error) {
		conn, err := s.dialLDAP()
		if err != nil {
			return nil, nil, err
		}
		seq := 0
		return func(context.Context) error {
			seq++
			name := newName("r", run, i, seq)
			// Above dirgate's allocation range: never one dirgate hands out.
			uidNumber := strconv.Itoa(10_000_000 + run*1_000_000 + i*10_000 + seq)
			req := ldap.NewAddRequest("uid="+name+","+peopleDN, nil)
			req.Attribute("objectClass", []string{"top", "inetOrgPerson", "dirgateObject", "posixAccount", "shadowAccount"})
			req.Attribute("uid", []string{name})
			req.Attribute("cn", []string{"Created " + name})
			req.Attribute("sn", []string{"Created"})
			req.Attribute("givenName", []string{"Load"})
			req.Attribute("displayName", []string{"Created " + name})
			req.Attribute("mail", []string{name + "@example.com"})
			req.Attribute("loginShell", []string{"/bin/bash"})
			req.Attribute("uidNumber", []string{uidNumber})
			req.Attribute("gidNumber", []string{strconv.Itoa(firstGIDNumber)})
			req.Attribute("homeDirectory", []string{"/home/" + name})
			req.Attribute("userPassword", []string{createPassword})
			return conn.Add(req)
		}, func() { conn.Close() }, nil
	}}
}

// newName is a unique username for a created user: run, client, sequence.
func newName(prefix string, run, client, seq int) string {
	return fmt.Sprintf("%s%d-%d-%d", prefix, run, client, seq)
}
