package ldapformat

import (
	"bufio"
	"encoding/base64"
	"io"
)

// Writer writes RFC 2849 content records. It is written here rather than
// with go-ldap/ldif's Marshal because Marshal base64-encodes neither a
// value that starts with a space (a reader then drops the space) nor a DN
// that is not ASCII; imports read with go-ldap/ldif.
type Writer struct {
	w   *bufio.Writer
	err error
}

// Fold is the longest line written; a longer one continues on lines that
// start with a space, each at most Fold long with it (as OpenLDAP's tools
// fold).
const Fold = 76

// NewWriter starts an LDIF file on w with its version line.
func NewWriter(w io.Writer) *Writer {
	lw := &Writer{w: bufio.NewWriter(w)}
	lw.write("version: 1\n\n")
	return lw
}

// Attr is an attribute with its values, in the order written.
type Attr struct {
	Name   string
	Values []string
}

func (lw *Writer) write(s string) {
	if lw.err == nil {
		_, lw.err = lw.w.WriteString(s)
	}
}

// Entry writes one record.
func (lw *Writer) Entry(dn string, attrs []Attr) {
	lw.line("dn", dn)
	for _, a := range attrs {
		for _, v := range a.Values {
			lw.line(a.Name, v)
		}
	}
	lw.write("\n")
}

// line writes "name: value", or "name:: base64" when the value is not
// Safe, folded at Fold.
func (lw *Writer) line(name, value string) {
	l := name + ": " + value
	if !Safe(value) {
		l = name + ":: " + base64.StdEncoding.EncodeToString([]byte(value))
	}
	width := Fold
	for len(l) > width {
		lw.write(l[:width] + "\n ")
		l = l[width:]
		width = Fold - 1 // after the leading space
	}
	lw.write(l + "\n")
}

// Safe reports whether v may be written as it is: an RFC 2849 SAFE-STRING
// (no NUL, LF, CR or byte above 0x7f; not starting with a space, colon or
// less-than — DEL, 0x7f, is a SAFE-CHAR) that also does not end with a
// space, which readers may trim (OpenLDAP encodes such values too).
func Safe(v string) bool {
	if v == "" {
		return true
	}
	if c := v[0]; c == ' ' || c == ':' || c == '<' {
		return false
	}
	if v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == 0 || c == '\n' || c == '\r' || c >= 0x80 {
			return false
		}
	}
	return true
}

// Err is the first write error, if any.
func (lw *Writer) Err() error { return lw.err }

// Flush writes what is buffered; it returns the first error of any write.
func (lw *Writer) Flush() error {
	if lw.err != nil {
		return lw.err
	}
	return lw.w.Flush()
}
