package samba

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// DeleteTree removes dn and everything below it, as the Administrator,
// with the tree delete control, after lifting the protection dirgate puts
// on OUs (its dirgateProtected marker and the ACEs denying Everyone
// DELETE, DELETE_TREE and DELETE_CHILD, which the DC enforces on the
// Administrator too). A missing dn is not an error. Tests clean up with
// it: the DC outlives them.
func (s *Server) DeleteTree(dn string) error {
	conn, err := s.Dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetTimeout(5 * time.Minute) // trees of thousands of entries
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(dn, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=organizationalUnit)", []string{"dirgateProtected", "nTSecurityDescriptor"}, []ldap.Control{daclOnly()}), 500)
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range res.Entries {
		var changes []ldap.Change
		if e.GetAttributeValue("dirgateProtected") == "TRUE" {
			changes = append(changes, ldap.Change{Operation: ldap.ReplaceAttribute, Modification: ldap.PartialAttribute{Type: "dirgateProtected", Vals: []string{}}})
		}
		if sd, ok := withoutDenies(e.GetRawAttributeValue("nTSecurityDescriptor")); ok {
			changes = append(changes, ldap.Change{Operation: ldap.ReplaceAttribute, Modification: ldap.PartialAttribute{Type: "nTSecurityDescriptor", Vals: []string{string(sd)}}})
		}
		if len(changes) > 0 {
			if err := conn.Modify(&ldap.ModifyRequest{DN: e.DN, Changes: changes, Controls: []ldap.Control{daclOnly()}}); err != nil {
				return fmt.Errorf("unprotecting %s: %w", e.DN, err)
			}
		}
	}
	err = conn.Del(ldap.NewDelRequest(dn, []ldap.Control{ldap.NewControlSubtreeDelete()}))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	return err
}

// daclOnly is the SD flags control reading or writing the DACL alone.
func daclOnly() ldap.Control {
	c := ldap.NewControlMicrosoftSDFlags()
	c.ControlValue = 4
	return c
}

// withoutDenies returns a DACL-only security descriptor holding sd's
// DACL without the explicit ACEs denying Everyone (S-1-1-0) any delete
// right; ok is false when there are none.
func withoutDenies(sd []byte) ([]byte, bool) {
	const deleteRights = 0x00010000 | 0x40 | 0x2 // DELETE, DELETE_TREE, DELETE_CHILD
	everyone := []byte{1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}
	if len(sd) < 20 {
		return nil, false
	}
	off := binary.LittleEndian.Uint32(sd[16:20])
	if off == 0 || int(off)+8 > len(sd) {
		return nil, false
	}
	acl := sd[off:]
	count, rest := int(binary.LittleEndian.Uint16(acl[4:6])), acl[8:]
	var kept [][]byte
	dropped := false
	for range count {
		if len(rest) < 8 {
			return nil, false
		}
		size := int(binary.LittleEndian.Uint16(rest[2:4]))
		if size < 8 || size > len(rest) {
			return nil, false
		}
		a := rest[:size]
		if a[0] == 0x01 && a[1]&0x10 == 0 && binary.LittleEndian.Uint32(a[4:8])&deleteRights != 0 && bytes.Equal(a[8:], everyone) {
			dropped = true
		} else {
			kept = append(kept, a)
		}
		rest = rest[size:]
	}
	if !dropped {
		return nil, false
	}
	body := bytes.Join(kept, nil)
	out := []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0}
	// Self-relative, DACL present, and the DACL's own control bits.
	binary.LittleEndian.PutUint16(out[2:4], 0x8004|binary.LittleEndian.Uint16(sd[2:4])&0x1508)
	hdr := []byte{acl[0], 0, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(hdr[2:4], uint16(8+len(body)))
	binary.LittleEndian.PutUint16(hdr[4:6], uint16(len(kept)))
	return append(append(out, hdr...), body...), true
}
