package readmodel

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Comparing text as slapd does. caseIgnoreMatch and its kin prepare both
// values (RFC 4518): compatibility normalization, case folding, spaces at
// the ends dropped, inner runs of spaces counted as one. The model
// reproduces that exactly for what it can be sure of and refuses the rest
// (the query goes to the directory): an assertion value outside printable
// ASCII, or with spaces at an end or doubled; a stored value whose
// preparation slapd could do differently (control and format characters,
// combining marks, letters whose case folding reaches ASCII, such as the
// Kelvin sign or the dotted capital I).

// textKey is the prepared form of a stored value; sure is false when the
// model cannot be certain slapd prepares it the same way.
func textKey(v string, foldCase bool) (key string, sure bool) {
	if isPlainASCII(v) {
		if isPrepared(v, foldCase) {
			return v, true // most stored values: no copy
		}
		return spaceFold(v, foldCase), true
	}
	v = norm.NFKC.String(v)
	sure = true
	for _, r := range v {
		if r < 0x80 {
			if r < 0x20 || r == 0x7f {
				sure = false
			}
			continue
		}
		if !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)) || foldsToASCII(r) {
			sure = false
		}
	}
	return spaceFold(v, foldCase), sure
}

// foldsToASCII reports a rune one of whose case forms is ASCII.
func foldsToASCII(r rune) bool {
	if r == 'İ' || r == 'ı' {
		return true
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < 0x80 {
			return true
		}
	}
	return false
}

// assertionKey is the prepared form of an assertion value, or false when
// the model does not answer for it.
func assertionKey(v string, foldCase bool) (string, bool) {
	if v == "" || !isPlainASCII(v) || strings.HasPrefix(v, " ") || strings.HasSuffix(v, " ") || strings.Contains(v, "  ") {
		return "", false
	}
	if foldCase {
		return strings.ToLower(v), true
	}
	return v, true
}

// isPrepared reports a printable ASCII value that preparation leaves as
// it is: no space at an end or doubled, and with foldCase no capital.
func isPrepared(s string, foldCase bool) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' && s[i+1] == ' ' || foldCase && 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// isPlainASCII: printable ASCII only.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// spaceFold drops spaces at the ends, makes inner runs one space and, with
// foldCase, lowers ASCII letters (other letters are left alone: an ASCII
// assertion can only meet ASCII letters).
func spaceFold(s string, foldCase bool) string {
	s = strings.Trim(s, " ")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		if foldCase && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
