package ldap_test

import (
	"encoding/binary"
	"errors"
	"strconv"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestADProtectedOU: an OU created protected carries dirgate's marker and
// AD's deny-delete ACEs, so the DC itself refuses to delete it, to an
// administrator too; an OU protected the Windows way (the ACE alone) is
// protected for dirgate as well; a recursive delete is one tree delete,
// refused before anything goes when an OU inside is protected.
func TestADProtectedOU(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	p, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "Guarded", Protected: true})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Protected {
		t.Error("CreateOU(Protected) returned an unprotected OU")
	}
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Del(goldap.NewDelRequest(p.DN, nil))
	if !goldap.IsErrorWithCode(err, goldap.LDAPResultInsufficientAccessRights) {
		t.Errorf("the Administrator deleting the protected OU: %v, want insufficientAccessRights from the DC", err)
	}
	if err := d.DeleteOU(ctx, directory.ByID(p.ID), true); !errors.Is(err, directory.ErrProtected) {
		t.Errorf("DeleteOU(protected): %v", err)
	}

	// Protected in Windows' tools: the ACE without dirgate's marker.
	w, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "Windows"})
	if err != nil {
		t.Fatal(err)
	}
	if w.Protected {
		t.Fatal("a new OU is protected")
	}
	res, err := conn.Search(goldap.NewSearchRequest(w.DN, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"nTSecurityDescriptor"}, []goldap.Control{sdDACLOnly()}))
	if err != nil {
		t.Fatal(err)
	}
	sd := withDenyDelete(t, res.Entries[0].GetRawAttributeValue("nTSecurityDescriptor"))
	if err := conn.Modify(&goldap.ModifyRequest{DN: w.DN, Controls: []goldap.Control{sdDACLOnly()},
		Changes: []goldap.Change{{Operation: goldap.ReplaceAttribute, Modification: goldap.PartialAttribute{Type: "nTSecurityDescriptor", Vals: []string{string(sd)}}}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := d.GetOU(ctx, directory.ByID(w.ID)); err != nil || !got.Protected {
		t.Errorf("GetOU of an OU protected by the ACE alone: %+v, %v", got, err)
	}
	if err := d.DeleteOU(ctx, directory.ByID(w.ID), false); !errors.Is(err, directory.ErrProtected) {
		t.Errorf("DeleteOU of an OU protected by the ACE alone: %v", err)
	}

	// A recursive delete that meets a protected OU deletes nothing.
	outer, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "Outer"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: outer.DN, Username: "inside"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateOU(ctx, directory.NewOU{ParentDN: outer.DN, Name: "Kept", Protected: true}); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteOU(ctx, directory.ByID(outer.ID), true); !errors.Is(err, directory.ErrProtected) {
		t.Errorf("DeleteOU(recursive) over a protected OU: %v", err)
	}
	if _, err := d.GetUser(ctx, directory.ByID(u.ID)); err != nil {
		t.Errorf("the refused recursive delete removed a user: %v", err)
	}
	// Without protection inside, the tree goes in one delete, and the
	// groups outside lose the members it held.
	open, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "Open"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.CreateUser(ctx, directory.NewUser{ParentDN: open.DN, Username: "goner"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "survivors", Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(v.ID))}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteOU(ctx, directory.ByID(open.ID), true); err != nil {
		t.Fatal(err)
	}
	if ms, err := d.Members(ctx, directory.ByID(g.ID), false); err != nil || len(ms) != 0 {
		t.Errorf("members after the tree delete: %+v, %v", ms, err)
	}
}

func sdDACLOnly() goldap.Control {
	c := goldap.NewControlMicrosoftSDFlags()
	c.ControlValue = 4
	return c
}

// withDenyDelete returns a DACL-only security descriptor: sd's DACL with
// an ACE denying Everyone DELETE and DELETE_TREE in front, as Windows'
// "Protect object from accidental deletion" writes it. (Written here
// independently of the backend's code, to test the backend against it.)
func withDenyDelete(t *testing.T, sd []byte) []byte {
	t.Helper()
	off := binary.LittleEndian.Uint32(sd[16:20])
	acl := sd[off:]
	size, count := binary.LittleEndian.Uint16(acl[2:4]), binary.LittleEndian.Uint16(acl[4:6])
	deny := []byte{0x01, 0x00, 20, 0, 0x40, 0x00, 0x01, 0x00, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}
	out := []byte{1, 0, 0x04, 0x84, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0}
	hdr := []byte{acl[0], 0, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(hdr[2:4], size+20)
	binary.LittleEndian.PutUint16(hdr[4:6], count+1)
	out = append(append(append(out, hdr...), deny...), acl[8:size]...)
	return out
}

// TestADCounters: uid and gid numbers come from the domain's RFC 2307
// (IDMU) counters, msSFU30MaxUidNumber and msSFU30MaxGidNumber, which
// Windows' tools draw from too.
func TestADCounters(t *testing.T) {
	srv := samba.Start(t)
	d := open(t, adConfig(srv, adBase(t, srv)))
	const nis = "CN=example,CN=ypservers,CN=ypServ30,CN=RpcServices,CN=System," + samba.BaseDN
	for kind, attr := range map[directory.IDKind]string{directory.UIDSequence: "msSFU30MaxUidNumber", directory.GIDSequence: "msSFU30MaxGidNumber"} {
		n, err := d.AllocateID(t.Context(), kind, directory.Range{Min: 3_000_000, Max: 3_999_999})
		if err != nil {
			t.Fatal(err)
		}
		next, _ := strconv.ParseInt(adRead(t, srv, nis, attr), 10, 64)
		if next != n+1 {
			t.Errorf("%s: allocated %d, %s is %d, want %d", kind, n, attr, next, n+1)
		}
	}
}

// TestADNames: sAMAccountName is one namespace for every account and
// group of the domain, also outside dirgate's base, and holds at most 20
// characters for a user.
func TestADNames(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	if got := d.Capabilities().UsernameMaxLength; got != 20 {
		t.Errorf("UsernameMaxLength = %d, want 20", got)
	}
	if _, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "a23456789012345678901"}); !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("a 21-character username: %v", err)
	}
	outside := adOU(t, srv, srv.BaseDN) // another OU of the domain, outside dirgate's base
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := goldap.NewAddRequest("CN=elsewhere,"+outside, nil)
	req.Attribute("objectClass", []string{"user"})
	req.Attribute("sAMAccountName", []string{"elsewhere"})
	if err := conn.Add(req); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "ELSEWHERE"}); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Errorf("a username taken outside the base: %v", err)
	}
	if _, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "elsewhere"}); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Errorf("a group named as a user elsewhere: %v", err)
	}
	if _, err := d.GetUser(ctx, directory.ByName("elsewhere")); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("a user outside the base is found: %v", err)
	}
}

// TestADDomainRoot: with the domain itself as the base, searches from it
// get AD's continuation references (Configuration, DNS partitions) and do
// not chase them.
func TestADDomainRoot(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, srv.BaseDN))
	ctx := t.Context()
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "rooted"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := d.SearchUsers(ctx, directory.Query{Filter: directory.Eq(directory.FieldUsername, "rooted")})
	if err != nil || page.Total != 1 || page.Items[0].ID != u.ID {
		t.Errorf("SearchUsers from the domain root: %+v, %v", page, err)
	}
	all, err := d.SearchUsers(ctx, directory.Query{})
	if err != nil || all.Total < 3 { // Administrator, Guest, krbtgt at least
		t.Errorf("listing every user of the domain: %d, %v", all.Total, err)
	}
	if _, err := d.ListOUs(ctx, "", directory.ScopeOneLevel); err != nil {
		t.Errorf("ListOUs at the domain root: %v", err)
	}
	if _, err := d.GetUser(ctx, directory.ByName("Administrator")); err != nil {
		t.Errorf("GetUser(Administrator): %v", err)
	}
}
