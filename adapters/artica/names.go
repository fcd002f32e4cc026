package artica

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// forbiddenChars are special in LDAP filters or DNs. Artica's logins,
// organizations and group names are Unix-style names, so the adapter
// refuses them outright instead of relying on escaping further down: a
// legacy client that sends one is buggy or hostile.
const forbiddenChars = `*()\,=+<>#;"`

// maxNameLength bounds a login, organization or group name.
const maxNameLength = 128

var errEmptyName = errors.New("is empty")

// checkName validates a login, organization or group name.
func checkName(s string) error {
	switch {
	case s == "":
		return errEmptyName
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case utf8.RuneCountInString(s) > maxNameLength:
		return fmt.Errorf("is longer than %d characters", maxNameLength)
	case strings.ContainsAny(s, forbiddenChars):
		return fmt.Errorf("contains one of the characters %s", forbiddenChars)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return errors.New("contains a space or a control character")
		}
	}
	return nil
}

// expandTemplate fills {org} (DN-escaped) and {suffix} and checks that the
// result is a DN.
func expandTemplate(tmpl, org, suffix string) (string, error) {
	dn := strings.NewReplacer("{org}", ldap.EscapeDN(org), "{suffix}", suffix).Replace(tmpl)
	if _, err := directory.ParseDN(dn); err != nil {
		return "", fmt.Errorf("%q is not a DN", dn)
	}
	return dn, nil
}
