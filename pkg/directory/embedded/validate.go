package embedded

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dirgate/dirgate/pkg/directory"
)

// maxNameLength is the longest username, group or OU name, in characters.
const maxNameLength = 256

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", directory.ErrInvalidInput, fmt.Sprintf(format, args...))
}

// checkName accepts a name that can be an RDN value: not empty, UTF-8, at
// most maxNameLength characters, no control characters. Every other
// character is stored literally and escaped once where the DN is built.
// Control characters (NUL, line breaks) are refused: a DN holding them
// would break LDIF files and most tools.
func checkName(what, name string) error {
	switch {
	case name == "":
		return invalid("%s is empty", what)
	case !utf8.ValidString(name):
		return invalid("%s %q is not UTF-8", what, name)
	case utf8.RuneCountInString(name) > maxNameLength:
		return invalid("%s is longer than %d characters", what, maxNameLength)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return invalid("%s %q holds a control character", what, name)
		}
	}
	return nil
}

// checkText accepts any UTF-8 value; NUL and line breaks are stored
// literally (LDIF exports encode them).
func checkText(what, v string) error {
	if !utf8.ValidString(v) {
		return invalid("%s is not UTF-8", what)
	}
	return nil
}

func checkTexts(fields map[string]string) error {
	for what, v := range fields {
		if err := checkText(what, v); err != nil {
			return err
		}
	}
	return nil
}

// cleanValues drops empty and repeated values of a multi-valued attribute:
// LDAP holds neither.
func cleanValues(what string, vs []string) ([]string, error) {
	var out []string
	for _, v := range vs {
		if err := checkText(what, v); err != nil {
			return nil, err
		}
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func checkNumber(what string, n int64) error {
	if n < 0 {
		return invalid("%s %d is negative", what, n)
	}
	return nil
}

// attributes checks extra attributes against the allow-list and returns
// them under their configured names. An empty list means "remove".
func (d *Directory) attributes(in map[string][]string) (map[string][]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string][]string, len(in))
	for name, vs := range in {
		canon, ok := d.extra[fold(name)]
		if !ok {
			return nil, invalid("attribute %q is not in the allow-list (extraAttributes)", name)
		}
		clean, err := cleanValues(name, vs)
		if err != nil {
			return nil, err
		}
		out[canon] = clean
	}
	return out, nil
}

// parseDN checks that dn parses and lies in the domain, and returns it
// normalized.
func (s *state) parseDN(what, dn string) (string, error) {
	norm, err := directory.NormalizeDN(dn)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !directory.IsUnder(dn, s.base.DN) {
		return "", invalid("%s %s is outside the domain %s", what, dn, s.base.DN)
	}
	return norm, nil
}

// container finds the container dn names, for a new or moved entry.
func (s *state) container(what, dn string) (string, error) {
	norm, err := s.parseDN(what, dn)
	if err != nil {
		return "", err
	}
	id, ok := s.dns[norm]
	if !ok {
		return "", fmt.Errorf("%w: %s %s", directory.ErrNotFound, what, dn)
	}
	if !s.isContainer(id) {
		return "", invalid("%s %s is not an OU or the base", what, dn)
	}
	return id, nil
}

// dnFree refuses a DN some entry (other than self) has.
func (s *state) dnFree(dn, self string) error {
	if id, ok := s.dns[normDN(dn)]; ok && id != self {
		return fmt.Errorf("%w: an entry %s exists", directory.ErrAlreadyExists, dn)
	}
	if s.isCounterDN(dn) {
		return fmt.Errorf("%w: %s is where dirgate keeps a counter", directory.ErrAlreadyExists, dn)
	}
	return nil
}

// isCounterDN reports whether dn is one of the id counters' DNs, which
// exports write below the base.
func (s *state) isCounterDN(dn string) bool {
	for _, kind := range []directory.IDKind{directory.UIDSequence, directory.GIDSequence} {
		if strings.EqualFold(normDN(dn), normDN(counterDN(kind, s.base.DN))) {
			return true
		}
	}
	return false
}

func counterDN(kind directory.IDKind, base string) string {
	return directory.ChildDN("cn", string(kind), base)
}

// errorf wraps a sentinel with a message.
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
