package ldap

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// denyDeleteACE is AD's own protection of an OU, what "Protect object from
// accidental deletion" in Active Directory Users and Computers writes and
// reads: an ACE denying Everyone DELETE and DELETE_TREE on the OU, and one
// denying Everyone DELETE_CHILD on its parent (AD lets a delete through
// when the object grants DELETE *or* its parent grants DELETE_CHILD, so
// the object's ACE alone does not stop an administrator). Domain
// controllers then refuse the delete to everyone, whatever tool is used.
//
// dirgate writes both when it creates a protected OU, besides its marker
// (dirgateProtected), and treats an OU carrying the object's ACE as
// protected too, so OUs protected in Windows' tools are safe from dirgate.
// Writing an ACE needs WRITE_DAC: the creator of the OU owns it and has
// that right; on the parent it may not, and then only the object's ACE
// and the marker protect the OU (logged).
type denyDeleteACE struct{}

const attrSD = "nTSecurityDescriptor"

// Access mask bits and ACE types of a security descriptor ([MS-DTYP]).
const (
	rightDelete      = 0x00010000 // DELETE
	rightDeleteTree  = 0x00000040 // ADS_RIGHT_DS_DELETE_TREE
	rightDeleteChild = 0x00000002 // ADS_RIGHT_DS_DELETE_CHILD
	aceAccessDenied  = 0x01
	aceInherited     = 0x10 // INHERITED_ACE flag
	seDACLPresent    = 0x0004
	seSelfRelative   = 0x8000
	// seDACLBits are the control bits that describe the DACL.
	seDACLBits = 0x0004 | 0x0008 | 0x0100 | 0x0400 | 0x1000
	// sdDACL is DACL_SECURITY_INFORMATION, the LDAP_SERVER_SD_FLAGS
	// value that reads and writes the DACL alone (no SACL, which needs a
	// privilege, no owner).
	sdDACL = 0x4
)

// everyone is the SID S-1-1-0.
var everyone = []byte{1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}

func sdFlags() ldap.Control {
	c := ldap.NewControlMicrosoftSDFlags()
	c.ControlValue = sdDACL
	return c
}

func (denyDeleteACE) attributes() []string     { return []string{attrSD} }
func (denyDeleteACE) controls() []ldap.Control { return []ldap.Control{sdFlags()} }

func (denyDeleteACE) protected(e *ldap.Entry) bool {
	acl, _, err := parseDACL(e.GetEqualFoldRawAttributeValue(attrSD))
	return err == nil && acl.denies(rightDelete)
}

func (denyDeleteACE) protect(ctx context.Context, d hookHost, dn string) error {
	if err := denyOn(ctx, d, dn, rightDelete|rightDeleteTree); err != nil {
		if d.attr(attrProtected) == "" {
			return fmt.Errorf("%w: protecting %s: %v", directory.ErrNotSupported, dn, err)
		}
		d.logger().Warn("ldap: could not write the deny-delete ACE; the OU is protected by dirgate's marker only", "dn", dn, "err", err)
		return nil
	}
	if parent := parentOf(dn); parent != "" {
		if err := denyOn(ctx, d, parent, rightDeleteChild); err != nil {
			d.logger().Warn("ldap: could not deny deleting children on the parent; the OU's own ACE and the marker protect it",
				"dn", dn, "parent", parent, "err", err)
		}
	}
	return nil
}

// denyOn adds an ACE denying Everyone mask to the DACL of dn, unless one
// already does.
func denyOn(ctx context.Context, d hookHost, dn string, mask uint32) error {
	e, err := d.readEntry(ctx, dn, "(objectClass=*)", []string{attrSD})
	if err != nil {
		return err
	}
	acl, control, err := parseDACL(e.GetEqualFoldRawAttributeValue(attrSD))
	if err != nil {
		return err
	}
	if acl.denies(mask) {
		return nil
	}
	acl.aces = append([]ace{denyEveryone(mask)}, acl.aces...)
	err = d.modify(ctx, dn, []ldap.Change{replace(attrSD, string(acl.descriptor(control)))}, sdFlags())
	return wrap(err, "writing the DACL of "+dn)
}

// dacl is a parsed discretionary ACL: its revision and its ACEs, each
// kept as the bytes it was read as.
type dacl struct {
	revision byte
	aces     []ace
}

// ace is one access control entry, raw.
type ace []byte

func (a ace) typ() byte       { return a[0] }
func (a ace) flags() byte     { return a[1] }
func (a ace) mask() uint32    { return binary.LittleEndian.Uint32(a[4:8]) }
func (a ace) trustee() []byte { return a[8:] }

// denyEveryone builds ACCESS_DENIED_ACE(Everyone, mask).
func denyEveryone(mask uint32) ace {
	a := make(ace, 8, 8+len(everyone))
	a[0], a[1] = aceAccessDenied, 0
	binary.LittleEndian.PutUint16(a[2:4], uint16(8+len(everyone)))
	binary.LittleEndian.PutUint32(a[4:8], mask)
	return append(a, everyone...)
}

// denies reports whether an explicit or inherited ACE denies Everyone
// every bit of mask.
func (acl dacl) denies(mask uint32) bool {
	for _, a := range acl.aces {
		if a.typ() == aceAccessDenied && a.mask()&mask == mask && bytes.Equal(a.trustee(), everyone) {
			return true
		}
	}
	return false
}

var errBadSD = errors.New("malformed security descriptor")

// parseDACL reads the DACL of a self-relative security descriptor
// ([MS-DTYP] 2.4.6) and its control bits.
func parseDACL(sd []byte) (dacl, uint16, error) {
	if len(sd) < 20 || sd[0] != 1 {
		return dacl{}, 0, errBadSD
	}
	control := binary.LittleEndian.Uint16(sd[2:4])
	off := binary.LittleEndian.Uint32(sd[16:20])
	if control&seDACLPresent == 0 || off == 0 {
		return dacl{revision: 4}, control, nil
	}
	if int(off)+8 > len(sd) {
		return dacl{}, 0, errBadSD
	}
	acl := sd[off:]
	size, count := int(binary.LittleEndian.Uint16(acl[2:4])), int(binary.LittleEndian.Uint16(acl[4:6]))
	if size < 8 || size > len(acl) {
		return dacl{}, 0, errBadSD
	}
	out := dacl{revision: acl[0]}
	rest := acl[8:size]
	for range count {
		if len(rest) < 8 {
			return dacl{}, 0, errBadSD
		}
		n := int(binary.LittleEndian.Uint16(rest[2:4]))
		if n < 8 || n > len(rest) {
			return dacl{}, 0, errBadSD
		}
		out.aces = append(out.aces, ace(bytes.Clone(rest[:n])))
		rest = rest[n:]
	}
	return out, control, nil
}

// descriptor renders a self-relative security descriptor holding only
// this DACL, for a write with the DACL security information flag.
func (acl dacl) descriptor(control uint16) []byte {
	size := 8
	for _, a := range acl.aces {
		size += len(a)
	}
	sd := make([]byte, 20, 20+size)
	sd[0] = 1
	binary.LittleEndian.PutUint16(sd[2:4], seSelfRelative|seDACLPresent|control&seDACLBits)
	binary.LittleEndian.PutUint32(sd[16:20], 20)
	hdr := make([]byte, 8)
	hdr[0] = max(acl.revision, 2)
	binary.LittleEndian.PutUint16(hdr[2:4], uint16(size))
	binary.LittleEndian.PutUint16(hdr[4:6], uint16(len(acl.aces)))
	sd = append(sd, hdr...)
	for _, a := range acl.aces {
		sd = append(sd, a...)
	}
	return sd
}
