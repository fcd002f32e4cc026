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
// Safe, folded at Fold. It writes the pieces as they are, building no
// line: an export writes millions of them.
func (lw *Writer) line(name, value string) {
	sep, v := ": ", value
	if !Safe(value) {
		sep, v = ":: ", base64.StdEncoding.EncodeToString([]byte(value))
	}
	col := lw.folded(name, 0)
	col = lw.folded(sep, col)
	lw.folded(v, col)
	lw.write("\n")
}

// folded writes s from column col of the line, continuing on a new line
// that starts with a space where the line reaches Fold and more follows;
// it returns the column after s.
func (lw *Writer) folded(s string, col int) int {
	for len(s) > 0 {
		if col == Fold {
			lw.write("\n ")
			col = 1
		}
		n := min(len(s), Fold-col)
		lw.write(s[:n])
		s, col = s[n:], col+n
	}
	return col
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
