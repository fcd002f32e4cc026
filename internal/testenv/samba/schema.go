package samba

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldif"

	"github.com/dirgate/dirgate/schema/ad"
)

// loadSchema applies dirgate's AD schema extension (schema/ad) over LDAPS
// as the Administrator (a Schema Admin), as the administrator of a real
// forest would with ldifde. The "ad" profile keeps its system, invitation
// and protected flags there. Samba allows schema changes over LDAP only
// with "dsdb:schema update allowed" (provisionOptions).
func (s *Server) loadSchema() error {
	// An empty DN ("dn:", the root DSE's schemaUpdateNow) is valid LDIF
	// that go-ldap/ldif refuses unless a space follows.
	text := strings.ReplaceAll(ad.Schema(s.BaseDN), "\ndn:\n", "\ndn: \n")
	records, err := ldif.Parse(text)
	if err != nil {
		return fmt.Errorf("dirgate-ad-schema.ldif: %w", err)
	}
	conn, err := s.Dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, r := range records.Entries {
		switch {
		case r.Add != nil:
			err = conn.Add(r.Add)
		case r.Modify != nil:
			err = conn.Modify(r.Modify)
		default:
			err = fmt.Errorf("unexpected record %+v", r)
		}
		if err != nil {
			return fmt.Errorf("dirgate-ad-schema.ldif: %w", err)
		}
	}
	return nil
}
