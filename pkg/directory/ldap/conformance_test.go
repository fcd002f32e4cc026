package ldap_test

import (
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory/directorytest"
)

// TestConformance runs the port's conformance suite against a private
// slapd, once per group model, once with memberOf mapped, and once more
// with passwords in adds. The lockout threshold is low to keep the
// lockout test short.
func TestConformance(t *testing.T) {
	for _, model := range []slapd.GroupModel{slapd.GroupOfNames, slapd.PosixGroup} {
		t.Run(string(model), func(t *testing.T) {
			srv := slapd.Start(t, slapd.Options{Groups: model, Lockout: 3})
			directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
				d := open(t, config(srv, model))
				return directorytest.Fixture{Dir: d, Base: srv.FreshOU(t)}
			})
		})
	}
	// The memberof overlay keeps memberOf, and the map says so: nested
	// walks stop at groups without it, with the same answers.
	t.Run("memberOf", func(t *testing.T) {
		srv := slapd.Start(t, slapd.Options{Lockout: 3})
		directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
			c := config(srv, slapd.GroupOfNames)
			c.Attributes = map[string]string{"memberOf": "memberOf"}
			return directorytest.Fixture{Dir: open(t, c), Base: srv.FreshOU(t)}
		})
	})
	t.Run("passwordInAdd", func(t *testing.T) {
		srv := slapd.Start(t, slapd.Options{Lockout: 3})
		directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
			c := config(srv, slapd.GroupOfNames)
			c.PasswordInAdd = true
			return directorytest.Fixture{Dir: open(t, c), Base: srv.FreshOU(t)}
		})
	})
}
