package ldap_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestCreateWhenTheServerGoesAwayAfterTheAdd: the server that took a
// create's add goes away right after answering it, and the next step of
// the create (the password, reading the entry back) reaches another server
// that has not received the entry. The create must fail as the directory
// failing (ErrUnavailable), never as "not found", which dialects answer as
// a 404 or a refused create.
func TestCreateWhenTheServerGoesAwayAfterTheAdd(t *testing.T) {
	const ldif = "dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n"
	opts := slapd.Options{Disable: slapd.TLS, RootPassword: "gone-after-add", LDIF: ldif}
	a, b := slapd.Start(t, opts), slapd.Start(t, opts)
	people := "ou=people," + a.Suffix
	for _, c := range []struct {
		name   string
		create func(context.Context, directory.Directory) error
	}{
		{"user with a password", func(ctx context.Context, d directory.Directory) error {
			_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "gone1", Surname: "G", Password: "Gone-Away-1"})
			return err
		}},
		{"user", func(ctx context.Context, d directory.Directory) error {
			_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "gone2", Surname: "G"})
			return err
		}},
		{"group", func(ctx context.Context, d directory.Directory) error {
			_, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: a.Suffix, Name: "gone3"})
			return err
		}},
		{"OU", func(ctx context.Context, d directory.Directory) error {
			_, err := d.CreateOU(ctx, directory.NewOU{ParentDN: a.Suffix, Name: "gone4"})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			px := newCutter(t, a.URL)
			cfg := config(a, slapd.GroupOfNames)
			cfg.URLs = []string{px.url(), b.URL}
			d := open(t, cfg)
			px.arm(goneAfterAnswer, tagAddRequest)
			err := c.create(t.Context(), d)
			if !px.fired() {
				t.Fatalf("the add did not go through the proxy (create: %v)", err)
			}
			if !errors.Is(err, directory.ErrUnavailable) || errors.Is(err, directory.ErrNotFound) {
				t.Errorf("create: %v; want ErrUnavailable, not ErrNotFound", err)
			}
		})
	}
}
