package jsoncheck

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       error
	}{
		{"plain", `{"a":"b"}`, nil},
		{"escapes", `{"a":"\n\t\"\\\/\u00e9\u0000"}`, nil},
		{"a pair", `{"a":"\ud83d\ude00"}`, nil},
		{"a pair in capitals", `{"a":"\uD83D\uDE00"}`, nil},
		{"an escaped backslash before u", `{"a":"\\ud800"}`, nil},
		{"two escaped backslashes", `{"a":"\\\\ud800"}`, nil},
		{"a pair after an escaped backslash", `{"a":"\\\ud83d\ude00"}`, nil},
		{"lone high", `{"a":"\ud800"}`, ErrLoneSurrogate},
		{"lone high at the end of the text", `"\ud800`, ErrLoneSurrogate},
		{"lone low", `{"a":"\udc00"}`, ErrLoneSurrogate},
		{"high then text", `{"a":"\ud800x\udc00"}`, ErrLoneSurrogate},
		{"high then high", `{"a":"\ud800\ud800"}`, ErrLoneSurrogate},
		{"high then an escape that is no surrogate", `{"a":"\ud800\u0041"}`, ErrLoneSurrogate},
		{"reversed pair", `{"a":"\ude00\ud83d"}`, ErrLoneSurrogate},
		{"in a key", `{"\udfff":1}`, ErrLoneSurrogate},
		{"after a good pair", `["\ud83d\ude00","\ud800"]`, ErrLoneSurrogate},
		{"a backslash and a lone surrogate", `{"a":"\\\ud800"}`, ErrLoneSurrogate},
		{"invalid UTF-8", "{\"a\":\"\xff\"}", ErrInvalidUTF8},
		{"an encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", ErrInvalidUTF8},
		{"truncated escape", `{"a":"\ud8`, nil}, // the decoder refuses it
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Text([]byte(tc.body))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Text(%s) = %v, want %v", tc.body, err, tc.want)
			}
		})
	}
}

// FuzzText holds Text to its promise: what it accepts, encoding/json
// decodes without replacing anything by U+FFFD that was not sent as one.
func FuzzText(f *testing.F) {
	for _, s := range []string{`"\ud800"`, `"\ud83d\ude00"`, `"\\ud800"`, `"\ufffd"`, "\"\xff\"", `["\udc00",1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if Text(b) != nil {
			return
		}
		var s string
		if json.Unmarshal(b, &s) != nil {
			return
		}
		if countReplacement(s) != countSentReplacement(b) {
			t.Errorf("Text accepted %q, which decodes to %q with a U+FFFD that was not sent", b, s)
		}
	})
}

// countReplacement counts U+FFFD in a decoded string.
func countReplacement(s string) int {
	n := 0
	for _, r := range s {
		if r == '\uFFFD' {
			n++
		}
	}
	return n
}

// countSentReplacement counts U+FFFD sent as such: as UTF-8 or as the
// escape \ufffd (in any case).
func countSentReplacement(b []byte) int {
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' {
			i++
			if r, ok := escapedRune(b, i); ok && r == 0xfffd {
				n++
				i += 4
			}
			continue
		}
		if i+2 < len(b) && b[i] == 0xef && b[i+1] == 0xbf && b[i+2] == 0xbd {
			n++
			i += 2
		}
	}
	return n
}
