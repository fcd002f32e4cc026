package directorytest

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Passwords the suite sets. They meet Active Directory's default
// complexity rules (three character classes, no part of a username) so that
// the AD profile accepts them.
const (
	password1 = "Dirgate-Conf0rm1ty!"
	password2 = "Second-Secr3t-42#"
	// password3 is not ASCII: passwords are UTF-8 end to end.
	password3 = "Pässwörd-Ω-7x!"
)

// env is what each conformance test works with.
type env struct {
	dir  directory.Directory
	base string
	caps directory.Capabilities
	// tok makes the names of one test unique across tests and runs sharing
	// a server.
	tok string
}

func newEnv(t *testing.T, f Fixture) *env {
	t.Helper()
	if f.Dir == nil || f.Base == "" {
		t.Fatalf("fixture: Dir and Base are required (got Base %q)", f.Base)
	}
	e := &env{dir: f.Dir, base: f.Base, caps: f.Dir.Capabilities(), tok: token(5)}
	if !directory.IsUnder(f.Base, f.Dir.BaseDN()) || directory.EqualDN(f.Base, f.Dir.BaseDN()) {
		t.Fatalf("fixture: Base %q must lie below BaseDN() %q", f.Base, f.Dir.BaseDN())
	}
	kids, err := f.Dir.Children(t.Context(), f.Base)
	if err != nil {
		t.Fatalf("fixture: Children(Base %q): %v", f.Base, err)
	}
	if len(kids) != 0 {
		t.Fatalf("fixture: Base %q must be empty, has %d children (first %s)", f.Base, len(kids), kids[0].DN)
	}
	// Registered after the fixture's own cleanups, so it runs before them
	// while the directory is still open.
	t.Cleanup(func() { e.cleanTree(t, e.base) })
	return e
}

// token returns n random lower-case letters and digits.
func token(n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[rand.IntN(len(chars))]
	}
	return string(b)
}

// name returns a name unique to this test: prefix + token. It fails the
// test when the backend could not store it as a username.
func (e *env) name(t *testing.T, prefix string) string {
	t.Helper()
	n := prefix + e.tok
	if m := e.caps.UsernameMaxLength; m > 0 && utf8.RuneCountInString(n) > m {
		t.Fatalf("suite bug: name %q is longer than UsernameMaxLength %d", n, m)
	}
	return n
}

// number returns a uidNumber or gidNumber unlikely to be used by anyone
// else: random in [1e9, 2e9), inside the 32-bit range AD accepts.
func number() int64 { return 1_000_000_000 + rand.Int64N(1_000_000_000) }

// cleanupCtx is the context of cleanups: the test's own context is
// cancelled before they run.
func cleanupCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*time.Minute)
}

// cleanTree deletes everything below dn through the port. Protected OUs
// cannot be deleted that way: they and the OUs holding them are logged and
// left to the fixture. It reports whether it left anything.
func (e *env) cleanTree(t *testing.T, dn string) (left bool) {
	ctx, cancel := cleanupCtx()
	defer cancel()
	kids, err := e.dir.Children(ctx, dn)
	if err != nil {
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("cleanup: Children(%s): %v", dn, err)
		}
		return false
	}
	for _, k := range kids {
		switch k.Type {
		case directory.EntryUser:
			err = e.dir.DeleteUser(ctx, directory.ByID(k.ID))
		case directory.EntryGroup:
			err = e.dir.DeleteGroup(ctx, directory.ByID(k.ID))
		case directory.EntryOU:
			if e.cleanTree(t, k.DN) {
				left = true
				continue
			}
			err = e.dir.DeleteOU(ctx, directory.ByID(k.ID), false)
			if errors.Is(err, directory.ErrProtected) {
				t.Logf("cleanup: leaving protected OU %s to the fixture", k.DN)
				left, err = true, nil
			}
		default:
			t.Logf("cleanup: leaving %s entry %s", k.Type, k.DN)
			left, err = true, nil
		}
		if err != nil && !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("cleanup: deleting %s %s: %v", k.Type, k.DN, err)
		}
	}
	return left
}
