package scim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// literalEscapes rewrites the \uXXXX escapes inside a filter's strings as
// the characters they stand for, which scim2/filter-parser does not read
// (it refuses `title eq "\u00e9"`, valid JSON string syntax that RFC 7644
// uses). A quote and a backslash become \" and \\ again, and a control
// character its short escape; one without a short form stays \uXXXX and
// the parser refuses it.
func literalEscapes(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	var b strings.Builder
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !inString:
			inString = c == '"'
			b.WriteByte(c)
		case c == '"':
			inString = false
			b.WriteByte(c)
		case c == '\\' && unicodeEscapeAt(s, i):
			j := i
			for unicodeEscapeAt(s, j) {
				j += 6
			}
			var decoded string
			if err := json.Unmarshal([]byte(`"`+s[i:j]+`"`), &decoded); err != nil {
				b.WriteString(s[i:j])
			} else {
				writeEscaped(&b, decoded)
			}
			i = j - 1
		case c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func unicodeEscapeAt(s string, i int) bool {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return false
	}
	for _, h := range s[i+2 : i+6] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", h) {
			return false
		}
	}
	return true
}

func writeEscaped(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
}
