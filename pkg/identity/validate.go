package identity

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NameRules are the rules for usernames and group names.
type NameRules struct {
	// MaxLength in characters; Kanboard's 191 is the default.
	MaxLength int `mapstructure:"maxLength"`
}

// DefaultNameRules is what dirgate applies when nothing is configured.
func DefaultNameRules() NameRules { return NameRules{MaxLength: 191} }

// checkName validates a username, group name or OU name: not empty, valid
// UTF-8, no control characters (NUL among them), no leading or trailing
// space, at most max characters. Characters special to LDAP filters or DNs
// are allowed: the backends escape them.
func checkName(field, name string, maxLen int) error {
	if name == "" {
		return invalid(field, "is required")
	}
	if !utf8.ValidString(name) {
		return invalid(field, "is not valid UTF-8")
	}
	if strings.TrimSpace(name) != name {
		return invalid(field, "must not start or end with a space")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return invalid(field, "must not contain control characters")
		}
	}
	if maxLen > 0 && utf8.RuneCountInString(name) > maxLen {
		return invalid(field, "must be at most %d characters", maxLen)
	}
	return nil
}

// checkEmail validates an email address: one addr-spec, no display name.
func checkEmail(field, email string) error {
	if email == "" {
		return nil
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return invalid(field, "%q is not a valid email address", email)
	}
	return nil
}

// checkText validates a free-text attribute value: valid UTF-8 without NUL.
func checkText(field, value string) error {
	if !utf8.ValidString(value) {
		return invalid(field, "is not valid UTF-8")
	}
	if strings.ContainsRune(value, 0) {
		return invalid(field, "must not contain NUL")
	}
	if len(value) > maxValueBytes {
		return invalid(field, "is longer than %d bytes", maxValueBytes)
	}
	return nil
}

// maxValueBytes bounds any single attribute value.
const maxValueBytes = 4096
