package embedded

import (
	"bufio"
	"encoding/base64"
	"io"
)

// ldifWriter writes RFC 2849 content records. It is written here rather
// than with go-ldap/ldif's Marshal because Marshal neither base64-encodes
// a value that starts with a space (the parser then drops the space) nor
// a DN that is not ASCII; imports read with go-ldap/ldif.
type ldifWriter struct {
	w   *bufio.Writer
	err error
}

// ldifFold is the longest line; longer ones continue on lines that start
// with a space.
const ldifFold = 76

func newLDIFWriter(w io.Writer) *ldifWriter {
	lw := &ldifWriter{w: bufio.NewWriter(w)}
	lw.write("version: 1\n\n")
	return lw
}

// attr is an attribute with its values, in the order written.
type attr struct {
	name   string
	values []string
}

func (lw *ldifWriter) write(s string) {
	if lw.err == nil {
		_, lw.err = lw.w.WriteString(s)
	}
}

// entry writes one record.
func (lw *ldifWriter) entry(dn string, attrs []attr) {
	lw.line("dn", dn)
	for _, a := range attrs {
		for _, v := range a.values {
			lw.line(a.name, v)
		}
	}
	lw.write("\n")
}

// line writes "name: value", or "name:: base64" when the value is not a
// SAFE-STRING, folded at ldifFold.
func (lw *ldifWriter) line(name, value string) {
	l := name + ": " + value
	if !safeString(value) {
		l = name + ":: " + base64.StdEncoding.EncodeToString([]byte(value))
	}
	width := ldifFold
	for len(l) > width {
		lw.write(l[:width] + "\n ")
		l = l[width:]
		width = ldifFold - 1 // after the leading space
	}
	lw.write(l + "\n")
}

// safeString: ASCII without NUL, CR and LF, not starting with a space,
// colon or less-than, and (as OpenLDAP does) not ending with a space.
func safeString(v string) bool {
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

func (lw *ldifWriter) flush() error {
	if lw.err != nil {
		return lw.err
	}
	return lw.w.Flush()
}
