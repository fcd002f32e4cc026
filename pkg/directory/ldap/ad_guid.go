package ldap

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/google/uuid"
)

// objectGUID is AD's id: 16 bytes in Microsoft's GUID layout, whose first
// three fields (4, 2 and 2 bytes) are little-endian while the last eight
// bytes keep their order. Its canonical text (the form AD tools show and
// AD itself writes in diagnostics) reads those fields as numbers, so the
// bytes are reordered both ways.
type objectGUID struct{}

// guidOrder maps the i-th byte of the canonical UUID to its position in
// AD's byte order (the permutation is its own inverse).
var guidOrder = [16]int{3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15}

func (objectGUID) decode(e *ldap.Entry, attr string) string {
	raw := e.GetEqualFoldRawAttributeValue(attr)
	if len(raw) != 16 {
		return ""
	}
	var u uuid.UUID
	for i, j := range guidOrder {
		u[i] = raw[j]
	}
	return u.String()
}

// assertion renders id as the filter value matching the binary
// attribute: every byte escaped as \xx (RFC 4515), in AD's order.
func (objectGUID) assertion(id string) (string, bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	for _, j := range guidOrder {
		fmt.Fprintf(&b, `\%02x`, u[j])
	}
	return b.String(), true
}

// guidBytes returns id in AD's byte order, for tests and comparisons.
func guidBytes(id string) ([]byte, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 16)
	for i, j := range guidOrder {
		out[j] = u[i]
	}
	return out, nil
}
