package identity

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PasswordPolicy is the core's password rule set, applied before a password
// reaches the directory (which may have stricter rules of its own: those
// come back as directory.ErrPasswordPolicy too).
//
// The default accepts every password in the original products' examples,
// the shortest being Kanboard's "123456"; stricter rules are opt-in.
type PasswordPolicy struct {
	MinLength int `mapstructure:"minLength"`
	// MaxLength guards the hashing cost and the directory's limits.
	MaxLength     int  `mapstructure:"maxLength"`
	RequireUpper  bool `mapstructure:"requireUpper"`
	RequireLower  bool `mapstructure:"requireLower"`
	RequireDigit  bool `mapstructure:"requireDigit"`
	RequireSymbol bool `mapstructure:"requireSymbol"`
	// MinClasses asks for at least this many of the four character classes
	// (upper, lower, digit, symbol), as Active Directory's complexity rule
	// does with 3.
	MinClasses int `mapstructure:"minClasses"`
	// RejectPersonalInfo refuses a password containing the username or the
	// display name (parts of three or more characters, ignoring case).
	RejectPersonalInfo bool `mapstructure:"rejectPersonalInfo"`
}

// DefaultPasswordPolicy is what dirgate applies when nothing is configured.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinLength: 6, MaxLength: 256}
}

// Check returns nil or a *PolicyError listing every rule the password
// breaks. personal holds the username, display name and other values the
// password must not contain when RejectPersonalInfo is set.
func (p PasswordPolicy) Check(password string, personal ...string) error {
	var problems []string
	n := utf8.RuneCountInString(password)
	if !utf8.ValidString(password) {
		problems = append(problems, "it is not valid UTF-8")
	}
	if strings.ContainsRune(password, 0) {
		problems = append(problems, "it contains a NUL character")
	}
	if n < p.MinLength {
		problems = append(problems, fmt.Sprintf("it must be at least %d characters long", p.MinLength))
	}
	if p.MaxLength > 0 && n > p.MaxLength {
		problems = append(problems, fmt.Sprintf("it must be at most %d characters long", p.MaxLength))
	}
	classes := classesOf(password)
	if p.RequireUpper && !classes.upper {
		problems = append(problems, "it must contain an upper-case letter")
	}
	if p.RequireLower && !classes.lower {
		problems = append(problems, "it must contain a lower-case letter")
	}
	if p.RequireDigit && !classes.digit {
		problems = append(problems, "it must contain a digit")
	}
	if p.RequireSymbol && !classes.symbol {
		problems = append(problems, "it must contain a symbol")
	}
	if p.MinClasses > 0 && classes.count() < p.MinClasses {
		problems = append(problems, fmt.Sprintf("it must mix at least %d of upper-case letters, lower-case letters, digits and symbols", p.MinClasses))
	}
	if p.RejectPersonalInfo {
		lower := strings.ToLower(password)
		for _, info := range personal {
			if containsPersonal(lower, info) {
				problems = append(problems, "it must not contain the user's name")
				break
			}
		}
	}
	if len(problems) > 0 {
		return &PolicyError{Problems: problems}
	}
	return nil
}

// containsPersonal: the password contains the value, or one of its parts
// (split on spaces, dots, dashes, @ ...) of three or more characters.
func containsPersonal(lowerPassword, value string) bool {
	parts := strings.FieldsFunc(strings.ToLower(value), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, part := range parts {
		if utf8.RuneCountInString(part) >= 3 && strings.Contains(lowerPassword, part) {
			return true
		}
	}
	return false
}

type charClasses struct{ upper, lower, digit, symbol bool }

func (c charClasses) count() int {
	n := 0
	for _, b := range []bool{c.upper, c.lower, c.digit, c.symbol} {
		if b {
			n++
		}
	}
	return n
}

func classesOf(s string) charClasses {
	var c charClasses
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			c.upper = true
		case unicode.IsLower(r):
			c.lower = true
		case unicode.IsDigit(r):
			c.digit = true
		default:
			c.symbol = true
		}
	}
	return c
}

// Alphabets of generated passwords: no look-alikes (0/O, 1/l/I). The
// symbols are URL-unreserved characters that no shell expands, so a
// password pasted into a form body (where + is a space), a URL (where %
// starts an escape) or a command line (where ! and ~ expand) arrives as
// written; Active Directory counts them as its non-alphanumeric class.
const (
	genUpper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	genLower  = "abcdefghijkmnopqrstuvwxyz"
	genDigit  = "23456789"
	genSymbol = "-._"
)

// Generate returns a random password that meets the policy and Active
// Directory's complexity rule: at least 16 characters (more if the policy
// asks), with every character class.
func (p PasswordPolicy) Generate() (string, error) {
	length := max(16, p.MinLength)
	if p.MaxLength > 0 && length > p.MaxLength {
		length = p.MaxLength
	}
	if length < 4 {
		return "", fmt.Errorf("password policy allows at most %d characters: cannot generate a password with every character class", p.MaxLength)
	}
	all := genUpper + genLower + genDigit + genSymbol
	out := make([]byte, 0, length)
	for _, set := range []string{genUpper, genLower, genDigit, genSymbol} {
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		out = append(out, c)
	}
	for len(out) < length {
		c, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, c)
	}
	// Shuffle so the classes are not always in the first four places.
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	// A leading dash reads as an option wherever the password is a
	// command's own argument: move a letter in front.
	if out[0] == '-' {
		k := strings.IndexFunc(string(out), unicode.IsLetter)
		out[0], out[k] = out[k], out[0]
	}
	return string(out), nil
}

func pick(set string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, fmt.Errorf("generate password: %w", err)
	}
	return set[i.Int64()], nil
}
