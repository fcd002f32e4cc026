package ldap

import (
	"bufio"
	"encoding/base64"

	"github.com/go-ldap/ldap/v3"
)

// writeLDIF writes one entry as an LDIF content record. go-ldap/ldif's
// writer would lose a leading space (it does not base64-encode values
// starting with one), so records are written here, per RFC 2849.
func writeLDIF(w *bufio.Writer, e *ldap.Entry) error {
	writeAttrLine(w, "dn", e.DN)
	for _, a := range e.Attributes {
		for _, v := range a.Values {
			writeAttrLine(w, a.Name, v)
		}
	}
	_, err := w.WriteString("\n")
	return err
}

// writeAttrLine writes "name: value", or "name:: base64" when the value is
// not a SAFE-STRING, folded at 76 columns.
func writeAttrLine(w *bufio.Writer, name, value string) {
	line := name + ": " + value
	if !ldifSafe(value) {
		line = name + ":: " + base64.StdEncoding.EncodeToString([]byte(value))
	}
	const width = 76
	for len(line) > width {
		w.WriteString(line[:width])
		w.WriteString("\n ")
		line = line[width:]
	}
	w.WriteString(line)
	w.WriteString("\n")
}

// ldifSafe reports whether v is an RFC 2849 SAFE-STRING that also keeps a
// trailing space (which readers may trim).
func ldifSafe(v string) bool {
	if v == "" {
		return true
	}
	switch v[0] {
	case ' ', ':', '<':
		return false
	}
	if v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == 0 || c == '\n' || c == '\r' || c > 0x7e {
			return false
		}
	}
	return true
}
