package embedded

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The suite lets a backend refuse names it cannot store; the embedded
// store must store every one of them, and refuse only control characters.
func TestEveryPrintableNameIsStored(t *testing.T) {
	ctx := context.Background()
	d := openTest(t, NewConfig(), t.TempDir())
	people, groups := "ou=people,dc=example,dc=com", "ou=groups,dc=example,dc=com"
	names := []string{`*`, `(`, `)`, `\`, `,`, `=`, `+`, `<`, `>`, `#`, `;`, `"`, `a)(uid=*`, ` lead`, `trail `, `#x`,
		`\2a`, `jürgen`, `漢字`, strings.Repeat("x", maxNameLength)}
	for _, name := range names {
		u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: name})
		if err != nil {
			t.Errorf("CreateUser(%q): %v", name, err)
			continue
		}
		if rdn, err := directory.FirstRDNValue(u.DN); err != nil || rdn != name {
			t.Errorf("user %q: DN %q has the RDN value %q (%v)", name, u.DN, rdn, err)
		}
		g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: groups, Name: name,
			Members: []directory.PrincipalRef{directory.UserRef(directory.ByDN(u.DN))}})
		if err != nil {
			t.Errorf("CreateGroup(%q): %v", name, err)
			continue
		}
		if got, err := d.GetGroup(ctx, directory.ByDN(g.DN)); err != nil || got.Name != name {
			t.Errorf("GetGroup(%q) = %v, %v", g.DN, got, err)
		}
		o, err := d.CreateOU(ctx, directory.NewOU{ParentDN: people, Name: name})
		if err != nil {
			t.Errorf("CreateOU(%q): %v", name, err)
			continue
		}
		if got, err := d.GetOU(ctx, directory.ByDN(o.DN)); err != nil || got.Name != name {
			t.Errorf("GetOU(%q) = %v, %v", o.DN, got, err)
		}
	}
	for _, name := range []string{"", "a\x00b", "a\nb", "a\rb", "tab\t", "del\x7f", "\xff", strings.Repeat("x", maxNameLength+1)} {
		if _, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: name}); !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("CreateUser(%q) = %v, want ErrInvalidInput", name, err)
		}
		if _, err := d.CreateOU(ctx, directory.NewOU{ParentDN: people, Name: name}); !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("CreateOU(%q) = %v, want ErrInvalidInput", name, err)
		}
	}
	// Values keep NUL and line breaks; invalid UTF-8 is refused.
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "nul", Description: "a\x00b\nc"})
	must(t, err)
	if u.Description != "a\x00b\nc" {
		t.Errorf("description stored as %q", u.Description)
	}
	if _, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "utf", Description: "\xff"}); !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("a description that is not UTF-8: %v, want ErrInvalidInput", err)
	}
	// The counters' DNs are taken.
	if _, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: "dc=example,dc=com", Name: "uidNumber"}); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Errorf("a group cn=uidNumber below the base: %v, want ErrAlreadyExists", err)
	}
	checkInvariants(t, d)
}
