package injection_test

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// values is the injection corpus: what a broken escape would turn into
// filter or DN syntax, what a sloppy parser chokes on, and what a careless
// check lets through. None of them names a seeded entry (the seeded names
// are plain words; Literal's name is searched for on purpose in its own
// test), so a value that matches or changes a seeded entry was not taken
// literally.
var values = []string{
	// LDAP filter metacharacters (RFC 4515) and classic injections.
	"*", "**", "a*", "*a*", "al*", "*)(uid=*", ")(|(uid=*", "*)(|(objectClass=*)", "alice)(uid=*", "x)(!(uid=y",
	"(", ")", "()", `\`, `\2a`, `\5c`, `\00`, `\28uid=*\29`,
	// DN metacharacters (RFC 4514) and DN-shaped values.
	",", "a,b", "+", "a+b", "=", "<", ">", "#", "#lead", ";", `"`, `"quoted"`, `a\,b`,
	"uid=alice", "uid=nobody,ou=people,dc=example,dc=com", "x,ou=people,dc=example,dc=com", "x+uid=alice",
	// Spaces where DNs and LDAP matching treat them specially.
	" ", " lead", "trail ", "  both  ",
	// NUL and control characters.
	"\x00", "a\x00b", "alice\x00", "a\nb", "a\r\nX-Injected: 1",
	// Overlong.
	strings.Repeat("A", 100<<10),
	// Invalid UTF-8 (a lone byte, a bad sequence, an encoded surrogate)
	// and Unicode that is valid but unusual.
	"\xff", "a\xfeb", "\xc3\x28", "\xed\xa0\x80", "ünï©ødé", "\u202ertl", "\ufeffbom",
	// Encodings a second decoding would turn into metacharacters.
	"%2a", "%00", "%29%28uid%3D%2a", "&uid=alice",
	// Paths (Artica's backup file names).
	"..", "../../../etc/passwd", "/etc/passwd", `..\..\x`,
}

// confusions are JSON values of the wrong type for a string parameter:
// numbers, booleans, null, objects and arrays (with a seeded name inside,
// in case a decoder flattens them).
var confusions = []string{`42`, `-1`, `1e400`, `true`, `null`, `{}`, `{"$ne":""}`, `[]`, `["alice"]`, `[{"uid":"*"}]`}

// jsonString renders v as a JSON string literal byte for byte: invalid
// UTF-8 is sent as it is (encoding/json would turn it into U+FFFD before
// dirgate ever saw it), quotes, backslashes and control characters are
// escaped.
func jsonString(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte(v[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteString(strconv.FormatInt(int64(r)>>4, 16))
			b.WriteString(strconv.FormatInt(int64(r)&0xf, 16))
		default:
			b.WriteString(v[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// show renders a value for a failure message: quoted, and cut short.
func show(v string) string {
	q := strconv.Quote(v)
	if len(q) > 60 {
		q = q[:60] + `…"`
	}
	return q
}

// normalize is how LDAP's caseIgnoreMatch compares (RFC 4518, roughly):
// case folded, leading and trailing spaces dropped, inner runs of spaces
// one.
func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}
