package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/idna"

	"github.com/dirgate/dirgate/pkg/directory"
)

// homeOf renders the domain's home directory template for a user. POSIX
// homeDirectory is an IA5String (ASCII) in the nis and rfc2307bis schemas,
// and a username is UTF-8 that may hold '/' or other characters a path
// must not: the username enters the path in a portable form.
func (d *Domain) homeOf(username string) string {
	if d.derivesHome() {
		return fmt.Sprintf(d.cfg.HomeDirectory, homeName(username, false))
	}
	return d.cfg.HomeDirectory
}

// derivesHome reports whether each user gets a home of its own from the
// template (it names the username), rather than one shared path such as
// /nonexistent.
func (d *Domain) derivesHome() bool { return strings.Contains(d.cfg.HomeDirectory, "%s") }

// homeName maps a username to a portable file name (letters, digits, '.',
// '_', '-'). A portable name is unchanged, as useradd would name the home;
// a non-ASCII name takes its IDNA punycode form ("wördy" →
// "xn--wrdy-5qa"), as the LDAP backend's memberUid does, which is
// lossless. Any other character becomes '_', which is not: "j@doe",
// "j:doe" and "j doe" would all be "j_doe", so such a name also gets a
// short digest of the exact username ("j_doe-1f9d0a32"), and two users
// never share a home because their names differ only in characters a
// path cannot hold. withDigest adds the digest to any name.
func homeName(username string, withDigest bool) string {
	name := username
	if !isASCII(name) {
		if a, err := idna.Punycode.ToASCII(name); err == nil {
			name = a
		}
	}
	var b strings.Builder
	lossy := false
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
			lossy = true
		}
	}
	out := b.String()
	if out == "" || out == "." || out == ".." {
		out, lossy = "_"+out, true
	}
	if lossy || withDigest {
		sum := sha256.Sum256([]byte(username))
		out += "-" + hex.EncodeToString(sum[:4])
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// freeHome returns the home a new (or renamed invitee) user gets: the
// one derived from its name, unless another user already has it (a user
// renamed away from the name keeps its home, as usermod -l does; a home
// may have been given by hand; a literal "xn--..." name meets its
// punycode twin). Then the name's digest is added, as for a name a path
// cannot hold; should that be taken too, the create is refused. Sharing
// a home would let one account read and write another's files.
func (d *Domain) freeHome(ctx context.Context, username, selfID string) (string, error) {
	home := d.homeOf(username)
	if !d.derivesHome() {
		return home, nil
	}
	err := d.homeFree(ctx, home, selfID)
	if !errors.Is(err, directory.ErrAlreadyExists) {
		return home, err
	}
	alt := fmt.Sprintf(d.cfg.HomeDirectory, homeName(username, true))
	if alt == home {
		return "", err
	}
	if err := d.homeFree(ctx, alt, selfID); err != nil {
		return "", err
	}
	return alt, nil
}

// homeFree refuses a home that another user has. It asks the directory
// itself (directory.Authoritative): a read model may not yet hold another
// replica's user with that home, and has no index on homes.
func (d *Domain) homeFree(ctx context.Context, home, selfID string) error {
	// No limit: a capped page is a sorted view on LDAP, costlier than the
	// plain indexed search this is (a home is held by one user, or none).
	page, err := d.dir.SearchUsers(directory.Authoritative(ctx), directory.Query{Filter: directory.Eq(directory.FieldHomeDirectory, home)})
	if err != nil {
		return err
	}
	for _, u := range page.Items {
		if u.ID != selfID && u.HomeDirectory == home {
			return fmt.Errorf("%w: the home directory %s belongs to the user %q; give another username or a homeDirectory",
				directory.ErrAlreadyExists, home, u.Username)
		}
	}
	return nil
}
