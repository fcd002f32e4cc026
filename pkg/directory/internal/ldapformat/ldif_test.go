package ldapformat

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/go-ldap/ldif"
)

func TestLDIFSafeValues(t *testing.T) {
	for v, safe := range map[string]bool{
		"": true, "plain": true, " leading": false, "trailing ": false, ":colon": false, "<lt": false,
		"ünï": false, "two\nlines": false, "a\x00b": false, "in: side": true,
	} {
		if got := Safe(v); got != safe {
			t.Errorf("Safe(%q) = %v, want %v", v, got, safe)
		}
	}
}

// Both backends' exports encode a value the same way: base64 exactly for
// what RFC 2849 does not allow as a SAFE-STRING (NUL, LF, CR, a byte
// above 0x7f, a leading space, colon or less-than) and for a trailing
// space; DEL (0x7f), a SAFE-CHAR, as it is. Every line is at most Fold
// long, and go-ldap's reader, which imports use, reads every value back.
func TestWriterEncodesPerRFC2849(t *testing.T) {
	long := strings.Repeat("abcdefghij", 30)
	values := map[string]bool{ // value → written as base64
		"plain":          false,
		"in: side":       false,
		"del\x7fchar":    false,
		"tab\tinside":    false,
		long:             false,
		"nul\x00":        true,
		"line\nfeed":     true,
		"carriage\rret":  true,
		"Büro":           true,
		" leading space": true,
		":colon":         true,
		"<less-than":     true,
		"trailing ":      true,
		"ü" + long:       true,
	}
	var attrs []Attr
	for v := range values {
		attrs = append(attrs, Attr{Name: "description", Values: []string{v}})
	}
	var out bytes.Buffer
	w := NewWriter(&out)
	w.Entry("cn=x,dc=example,dc=com", attrs)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.HasPrefix(text, "version: 1\n\ndn: cn=x,dc=example,dc=com\n") {
		t.Errorf("the file does not start with the version and the dn:\n%.100s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if len(line) > Fold {
			t.Errorf("line longer than %d: %q", Fold, line)
		}
	}
	unfolded := strings.ReplaceAll(text, "\n ", "")
	for v, b64 := range values {
		plain, encoded := "description: "+v+"\n", "description:: "+base64.StdEncoding.EncodeToString([]byte(v))+"\n"
		switch {
		case b64 && !strings.Contains(unfolded, encoded):
			t.Errorf("%q is not written as base64", v)
		case !b64 && !strings.Contains(unfolded, plain):
			t.Errorf("%q is not written as it is", v)
		}
	}
	parsed, err := ldif.Parse(text)
	if err != nil {
		t.Fatalf("go-ldap cannot read the file: %v", err)
	}
	entries := parsed.AllEntries()
	if len(entries) != 1 {
		t.Fatalf("%d entries read back", len(entries))
	}
	got := map[string]bool{}
	for _, v := range entries[0].GetAttributeValues("description") {
		got[v] = true
	}
	for v := range values {
		if !got[v] {
			t.Errorf("%q does not read back", v)
		}
	}
}
