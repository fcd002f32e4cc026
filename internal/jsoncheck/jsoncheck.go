// Package jsoncheck refuses JSON text whose strings would not decode to
// the characters that were sent. encoding/json quietly replaces both
// invalid UTF-8 and a lone UTF-16 surrogate escape ("\ud800") with U+FFFD,
// so a value stored would differ from the value sent; RFC 8259 leaves the
// meaning of a lone surrogate to the implementation, and PHP's json_decode
// (Kanboard, Artica) refuses it. Every dialect runs its JSON bodies
// through Text before decoding them, and answers its error in its own
// envelope.
package jsoncheck

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

var (
	// ErrInvalidUTF8: the text is not UTF-8.
	ErrInvalidUTF8 = errors.New("the request body is not valid UTF-8")
	// ErrLoneSurrogate: a \u escape names half of a UTF-16 pair without
	// the other half.
	ErrLoneSurrogate = errors.New("the request body holds a lone UTF-16 surrogate escape, which stands for no character")
)

// Text returns nil when every byte is UTF-8 and every \u escape of a
// surrogate is one half of a pair in the right order; it does not check
// the rest of JSON's syntax, which the decoder does.
func Text(b []byte) error {
	if !utf8.Valid(b) {
		return ErrInvalidUTF8
	}
	// A backslash is only valid inside a string, where it starts an
	// escape; in invalid JSON the decoder refuses the text anyway.
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		i++ // the escaped character: "\\" must not start another escape
		r, ok := escapedRune(b, i)
		if !ok || !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xdc00 { // a low half with no high half before it
			return lone(r, i-1)
		}
		low, ok := escapedRune(b, i+6)
		if !ok || b[i+5] != '\\' || low < 0xdc00 || low > 0xdfff {
			return lone(r, i-1)
		}
		i += 10 // past both escapes' hex digits, on the low half's last digit
	}
	return nil
}

// escapedRune reads the code unit of a "u" escape whose 'u' is at b[i].
func escapedRune(b []byte, i int) (rune, bool) {
	if i+4 >= len(b) || b[i] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[i+1 : i+5] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func lone(r rune, at int) error {
	return fmt.Errorf("%w (\\u%04x at byte %d)", ErrLoneSurrogate, r, at)
}
