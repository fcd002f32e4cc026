package ldap

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestObjectGUID: AD's GUID bytes and the canonical text, both ways. The
// vector is a user's objectGUID as Samba sent it (base64) and as Samba
// itself printed it in a diagnostic.
func TestObjectGUID(t *testing.T) {
	raw, _ := base64.StdEncoding.DecodeString("beV48kcEyUORTMge4QZ3YA==")
	const text = "f278e56d-0447-43c9-914c-c81ee1067760"
	e := ldap.NewEntry("CN=x", nil)
	e.Attributes = []*ldap.EntryAttribute{{Name: "objectGUID", Values: []string{string(raw)}, ByteValues: [][]byte{raw}}}
	if got := (objectGUID{}).decode(e, "objectguid"); got != text {
		t.Errorf("decode = %q, want %q", got, text)
	}
	if b, err := guidBytes(text); err != nil || !bytes.Equal(b, raw) {
		t.Errorf("guidBytes = %x, %v; want %x", b, err, raw)
	}
	a, ok := (objectGUID{}).assertion(strings.ToUpper(text))
	if want := `\6d\e5\78\f2\47\04\c9\43\91\4c\c8\1e\e1\06\77\60`; !ok || a != want {
		t.Errorf("assertion = %q, %v; want %q", a, ok, want)
	}
	for _, bad := range []string{"", "not-a-guid", "*", `\2a`, "f278e56d-0447-43c9-914c"} {
		if _, ok := (objectGUID{}).assertion(bad); ok {
			t.Errorf("assertion(%q) accepted", bad)
		}
	}
	e.Attributes[0].ByteValues = [][]byte{raw[:15]}
	if got := (objectGUID{}).decode(e, "objectGUID"); got != "" {
		t.Errorf("15 bytes decode to %q", got)
	}
}

func TestEncodePassword(t *testing.T) {
	got := encodePassword("Pä€")
	want := []byte{'"', 0, 'P', 0, 0xe4, 0, 0xac, 0x20, '"', 0}
	if !bytes.Equal([]byte(got), want) {
		t.Errorf("encodePassword = % x, want % x", got, want)
	}
	p := unknownPassword()
	if len(p) < 30 || !strings.ContainsAny(p, "!") || p == unknownPassword() {
		t.Errorf("unknownPassword %q: too short, without a symbol, or repeated", p)
	}
}

func TestRangeValues(t *testing.T) {
	e := &ldap.Entry{Attributes: []*ldap.EntryAttribute{{Name: "member;range=0-1499", Values: []string{"a", "b"}}}}
	if vals, next, more := rangeValues(e, "member"); len(vals) != 2 || next != 1500 || !more {
		t.Errorf("first range: %v %d %v", vals, next, more)
	}
	e = &ldap.Entry{Attributes: []*ldap.EntryAttribute{{Name: "Member;Range=1500-*", Values: []string{"c"}}}}
	if vals, _, more := rangeValues(e, "member"); len(vals) != 1 || more {
		t.Errorf("last range: %v %v", vals, more)
	}
	e = &ldap.Entry{Attributes: []*ldap.EntryAttribute{{Name: "member", Values: []string{"a"}}}}
	if _, _, more := rangeValues(e, "member"); more {
		t.Error("an attribute without range option reads as ranged")
	}
}

// TestADBindCodes: the reasons in AD's diagnostic of a refused bind
// become the port's sentinels; must-change and expired passwords were
// right.
func TestADBindCodes(t *testing.T) {
	a := newADAccount()
	bind := func(data string) error {
		return &ldap.Error{ResultCode: ldap.LDAPResultInvalidCredentials,
			Err: fmt.Errorf("80090308: LdapErr: DSID-0C09030B, comment: AcceptSecurityContext error, data %s, v893", data)}
	}
	for _, c := range []struct {
		data string
		want error // nil: the password was right
		must bool
	}{
		{"52e", directory.ErrInvalidCredentials, false},
		{"525", directory.ErrInvalidCredentials, false},
		{"530", directory.ErrAccountDisabled, false},
		{"531", directory.ErrAccountDisabled, false},
		{"532", nil, true},
		{"533", directory.ErrAccountDisabled, false},
		{"701", directory.ErrAccountDisabled, false},
		{"773", nil, true},
		{"775", directory.ErrAccountLocked, false},
		{"9999", directory.ErrInvalidCredentials, false},
	} {
		u := &directory.User{DN: "CN=u", Enabled: true}
		err := a.verify(u, bind(c.data), nil)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("data %s: %v, want %v", c.data, err, c.want)
		}
		if u.MustChangePassword != c.must {
			t.Errorf("data %s: MustChangePassword %v", c.data, u.MustChangePassword)
		}
	}
	strong := &ldap.Error{ResultCode: ldap.LDAPResultStrongAuthRequired, Err: errors.New("BindSimple: Transport encryption required.")}
	if err := a.verify(&directory.User{DN: "CN=u"}, strong, nil); !errors.Is(err, directory.ErrPasswordTransport) {
		t.Errorf("strongAuthRequired: %v", err)
	}
	locked := &directory.User{DN: "CN=u", Lock: directory.LockState{Locked: true}}
	if err := a.verify(locked, bind("52e"), nil); !errors.Is(err, directory.ErrAccountLocked) {
		t.Errorf("a refused bind of a locked user: %v", err)
	}
}

func TestADPasswordErrors(t *testing.T) {
	policy := &ldap.Error{ResultCode: ldap.LDAPResultConstraintViolation,
		Err: errors.New("0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!")}
	windows := &ldap.Error{ResultCode: ldap.LDAPResultUnwillingToPerform, Err: errors.New("0000052D: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0")}
	wrongOld := &ldap.Error{ResultCode: ldap.LDAPResultConstraintViolation, Err: errors.New("00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!")}
	for err, want := range map[error]error{policy: directory.ErrPasswordPolicy, windows: directory.ErrPasswordPolicy, wrongOld: directory.ErrInvalidCredentials} {
		got := adPasswordError(err, "x")
		if !errors.Is(got, want) || !strings.Contains(got.Error(), "password") {
			t.Errorf("%v: %v, want %v", err, got, want)
		}
		if got := passwordError(got, "y"); !errors.Is(got, want) {
			t.Errorf("passwordError re-mapped %v", got)
		}
	}
}

func TestSAMAccountName(t *testing.T) {
	for _, ok := range []string{"jdoe", "j.doe", "Jürgen", "a b", "x(1)", "#hash", strings.Repeat("x", 20)} {
		if err := checkSAMAccountName(kindUser, ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{strings.Repeat("x", 21), "a*b", `a\b`, "a,b", "a=b", "a+b", "a<b", "a;b", `a"b`, "a[b", "a:b", "a|b", "a?b", "a/b", "..", "  ", "dot.", "n\x00ul"} {
		if err := checkSAMAccountName(kindUser, bad); !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("%q: %v, want ErrInvalidInput", bad, err)
		}
	}
	if err := checkSAMAccountName(kindGroup, strings.Repeat("g", 40)); err != nil {
		t.Errorf("a 40-character group name: %v", err)
	}
}

// TestDenyDeleteACE: an ACE added to a DACL is found again after the
// descriptor is rendered and read back, and can be removed.
func TestDenyDeleteACE(t *testing.T) {
	allow := ace{0x00, 0x12, 0, 0, 0xff, 0x01, 0x0f, 0x00}
	allow = append(allow, everyone...)
	allow[2] = byte(len(allow))
	acl := dacl{revision: 4, aces: []ace{allow}}
	sd := acl.descriptor(0x8c14)
	got, control, err := parseDACL(sd)
	if err != nil || len(got.aces) != 1 || got.denies(rightDelete) || control&seDACLBits != 0x0c14&seDACLBits {
		t.Fatalf("parse(render) = %+v, %#x, %v", got, control, err)
	}
	got.aces = append([]ace{denyEveryone(rightDelete | rightDeleteTree)}, got.aces...)
	again, _, err := parseDACL(got.descriptor(control))
	if err != nil || !again.denies(rightDelete) || !again.denies(rightDeleteTree) || again.denies(rightDeleteChild) {
		t.Fatalf("after adding the deny ACE: %+v, %v", again, err)
	}
	open, changed := again.withoutDenyEveryone(rightDelete)
	if !changed || open.denies(rightDelete) || len(open.aces) != 1 {
		t.Errorf("withoutDenyEveryone: %+v %v", open, changed)
	}
	for _, bad := range [][]byte{nil, {1}, append([]byte{1, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0}, make([]byte, 8)...)} {
		if _, _, err := parseDACL(bad); err == nil {
			t.Errorf("parseDACL(% x) accepted", bad)
		}
	}
}

func TestWireDN(t *testing.T) {
	ad := &Directory{prof: adProfile()}
	if got := ad.wireDN(`OU=a\,b=c,DC=example,DC=com`); got != `OU=a\,b\3Dc,DC=example,DC=com` {
		t.Errorf("AD: %q", got)
	}
	if got := ad.childDN("ou", "x=y", "DC=example,DC=com"); got != `ou=x\3Dy,DC=example,DC=com` {
		t.Errorf("AD childDN: %q", got)
	}
	ol := &Directory{prof: openLDAPProfile()}
	if got := ol.wireDN(`ou=a\,b=c,dc=x`); got != `ou=a\,b=c,dc=x` {
		t.Errorf("openldap DNs are sent as given: %q", got)
	}
}

func TestADTimes(t *testing.T) {
	if d := adInterval(-18000000000); d != 30*time.Minute {
		t.Errorf("lockoutDuration -18000000000 = %v", d)
	}
	if d := adInterval(-9223372036854775808); d != 0 {
		t.Errorf("forever = %v", d)
	}
	now := time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC)
	if got := fromFiletime(toFiletime(now)); !got.Equal(now) {
		t.Errorf("FILETIME round trip: %v", got)
	}
	if got := fromFiletime(134398500085989390); got.Year() != 2026 {
		t.Errorf("lockoutTime from Samba reads as %v", got)
	}
}

// TestADConfig: the ad profile validates with the defaults, and refuses a
// group model of its own choosing.
func TestADConfig(t *testing.T) {
	c := NewConfig()
	c.Profile, c.URLs = "ad", []string{"ldaps://dc1.example.com"}
	c.BindDN, c.BindPassword = "CN=dirgate,OU=Services,DC=example,DC=com", "x"
	if err := c.Validate(); err != nil {
		t.Fatalf("the ad profile with the defaults: %v", err)
	}
	c.GroupModel = "posixGroup"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "groupModel") {
		t.Errorf("the ad profile with groupModel posixGroup: %v", err)
	}
	c.GroupModel = NewConfig().GroupModel
	c.Attributes = map[string]string{"system": "", "protected": "adminDescription"}
	if err := c.Validate(); err != nil {
		t.Errorf("attribute overrides on the ad profile: %v", err)
	}
}

// Samba compares times to the second and reads 20260101120000Z (without
// the fraction) as earlier than every time: time conditions go as whole
// seconds in AD's form, the bound moved so that the meaning stays exact
// for the whole seconds AD stores.
func TestADTimeConditions(t *testing.T) {
	prof := adProfile()
	d := &Directory{prof: prof, attrs: prof.attrs, now: time.Now}
	fc := &filterCompiler{d: d, fields: userFieldKeys, ordering: &orderingRules{all: true}}
	half := time.Date(2026, 1, 1, 12, 0, 0, 500_000_000, time.UTC)
	whole := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		f    directory.Filter
		want string
	}{
		{directory.Before(directory.FieldCreated, half), "(whenCreated<=20260101120000.0Z)"},
		{directory.After(directory.FieldCreated, half), "(whenCreated>=20260101120001.0Z)"},
		{directory.AtLeast(directory.FieldCreated, half.Format(time.RFC3339Nano)), "(whenCreated>=20260101120001.0Z)"},
		{directory.AtMost(directory.FieldCreated, half.Format(time.RFC3339Nano)), "(whenCreated<=20260101120000.0Z)"},
		{directory.Before(directory.FieldModified, whole), "(whenChanged<=20260101115959.0Z)"},
		{directory.After(directory.FieldModified, whole), "(whenChanged>=20260101120001.0Z)"},
		{directory.AtLeast(directory.FieldModified, "2026-01-01T13:00:00+01:00"), "(whenChanged>=20260101120000.0Z)"},
		{directory.AtMost(directory.FieldModified, "2026-01-01T12:00:00Z"), "(whenChanged<=20260101120000.0Z)"},
	} {
		got, err := fc.compile(tc.f)
		if err != nil || got != tc.want {
			t.Errorf("compile(%v) = %q, %v; want %q", tc.f, got, err, tc.want)
		}
	}
}
