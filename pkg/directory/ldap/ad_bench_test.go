package ldap_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
)

// BenchmarkAD compares the ad profile with raw go-ldap over LDAPS on the
// test run's Samba AD DC, in one run: 1,000 users made straight over LDAP,
// the first 100 with a password. Raw go-ldap gets one bound connection per
// worker, asks for the same attributes and maps nothing.
//
//	DIRGATE_TEST_SAMBA_DIR=... go test -run '^$' -bench BenchmarkAD -benchmem -benchtime 2s ./pkg/directory/ldap/
func BenchmarkAD(b *testing.B) {
	const users, withPassword, benchPassword = 1000, 100, "Bench-Passw0rd!"
	srv := samba.Start(b)
	base := adBase(b, srv)
	cfg := adConfig(srv, base)
	cfg.PoolSize = 16
	d := open(b, cfg)
	tlsConfig, err := srv.TLSConfig()
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			conn, err := srv.Dial()
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			for i := w; i < users; i += 4 {
				req := goldap.NewAddRequest(fmt.Sprintf("CN=bench%04d,%s", i, base), nil)
				req.Attribute("objectClass", []string{"user"})
				req.Attribute("sAMAccountName", []string{fmt.Sprintf("bench%04d", i)})
				req.Attribute("displayName", []string{fmt.Sprintf("Bench User %d", i)})
				if i < withPassword {
					req.Attribute("userAccountControl", []string{"512"})
					req.Attribute("unicodePwd", []string{utf16Quoted(benchPassword)})
				}
				if err := conn.Add(req); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	name := func(r *rand.Rand, n int) string { return fmt.Sprintf("bench%04d", r.IntN(n)) }
	rawConn := func(b *testing.B) *goldap.Conn {
		conn, err := goldap.DialURL(srv.URL, goldap.DialWithTLSConfig(tlsConfig))
		if err != nil {
			b.Fatal(err)
		}
		if err := conn.Bind(srv.AdminDN, srv.AdminPassword); err != nil {
			b.Fatal(err)
		}
		return conn
	}
	userAttrs := []string{"objectGUID", "whenCreated", "whenChanged", "sAMAccountName", "cn", "givenName", "sn",
		"displayName", "mail", "telephoneNumber", "mobile", "title", "description", "uidNumber", "gidNumber",
		"unixHomeDirectory", "userPrincipalName", "employeeID", "dirgateSystem", "dirgateInvitationPending",
		"dirgateInvitationExpiry", "objectClass", "otherMobile", "userAccountControl", "lockoutTime", "pwdLastSet",
		"employeeNumber", "departmentNumber"}
	for _, callers := range []int{1, 16} {
		b.Run(fmt.Sprintf("GetUser/backend/callers=%d", callers), func(b *testing.B) {
			parallel(b, callers, func(r *rand.Rand) func() error {
				return func() error {
					_, err := d.GetUser(context.Background(), directory.ByName(name(r, users)))
					return err
				}
			})
		})
		b.Run(fmt.Sprintf("GetUser/raw/callers=%d", callers), func(b *testing.B) {
			parallel(b, callers, func(r *rand.Rand) func() error {
				conn := rawConn(b)
				b.Cleanup(func() { conn.Close() })
				return func() error {
					res, err := conn.Search(goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 2, 0, false,
						"(&(objectClass=user)(!(objectClass=computer))(sAMAccountName="+goldap.EscapeFilter(name(r, users))+"))", userAttrs, nil))
					if err == nil && len(res.Entries) != 1 {
						err = fmt.Errorf("%d entries", len(res.Entries))
					}
					return err
				}
			})
		})
	}
	b.Run("VerifyPassword/backend", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if _, err := d.VerifyPassword(context.Background(), directory.ByName(name(r, withPassword)), benchPassword); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("VerifyPassword/raw", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		conn := rawConn(b)
		defer conn.Close()
		user, err := goldap.DialURL(srv.URL, goldap.DialWithTLSConfig(tlsConfig))
		if err != nil {
			b.Fatal(err)
		}
		defer user.Close()
		for b.Loop() {
			res, err := conn.Search(goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 2, 0, false,
				"(sAMAccountName="+name(r, withPassword)+")", userAttrs, nil))
			if err != nil || len(res.Entries) != 1 {
				b.Fatal(err)
			}
			if err := user.Bind(res.Entries[0].DN, benchPassword); err != nil {
				b.Fatal(err)
			}
		}
	})
	var created int
	b.Run("CreateUser/backend", func(b *testing.B) {
		for b.Loop() {
			created++
			if _, err := d.CreateUser(context.Background(), directory.NewUser{ParentDN: base,
				Username: fmt.Sprintf("newb%06d", created), Password: benchPassword}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CreateUser/raw", func(b *testing.B) {
		conn := rawConn(b)
		defer conn.Close()
		for b.Loop() {
			created++
			req := goldap.NewAddRequest(fmt.Sprintf("CN=newr%06d,%s", created, base), nil)
			req.Attribute("objectClass", []string{"user"})
			req.Attribute("sAMAccountName", []string{fmt.Sprintf("newr%06d", created)})
			req.Attribute("userAccountControl", []string{"512"})
			req.Attribute("unicodePwd", []string{utf16Quoted(benchPassword)})
			if err := conn.Add(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// utf16Quoted is unicodePwd's value for p (written here, apart from the
// backend's encoder, for the raw side).
func utf16Quoted(p string) string {
	var out []byte
	for _, r := range `"` + p + `"` {
		out = append(out, byte(r), byte(r>>8))
	}
	return string(out)
}
