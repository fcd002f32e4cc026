package ldap

import (
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// testDirectory is a Directory with the openldap profile and no server:
// enough to compile filters.
func testDirectory(extra ...string) *Directory {
	prof := openLDAPProfile()
	d := &Directory{prof: prof, attrs: prof.attrs, model: groupOfNames{}, extra: extra, now: time.Now}
	return d
}

func TestFilterEscapesEveryValueOnce(t *testing.T) {
	d := testDirectory("employeeNumber")
	fc := &filterCompiler{d: d, fields: userFieldKeys, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ordering: parseOrderingRules(openLDAPOrderingSample)}
	for _, tc := range []struct {
		f    directory.Filter
		want string
	}{
		{directory.Eq(directory.FieldUsername, "a*b(c)d\\e"), `(uid=a\2ab\28c\29d\5ce)`},
		{directory.Contains(directory.FieldMail, "*)(uid=*"), `(mail=*\2a\29\28uid=\2a*)`},
		{directory.StartsWith(directory.FieldDisplayName, "Jür"), `(displayName=J\c3\bcr*)`},
		{directory.In(directory.FieldUIDNumber, "1", "2"), `(|(uidNumber=1)(uidNumber=2))`},
		{directory.BoolEq(directory.FieldSystem, false), `(!(dirgateSystem=TRUE))`},
		{directory.BoolEq(directory.FieldEnabled, true), `(&(!(pwdAccountLockedTime=000001010000Z))(!(pwdEndTime=19700101000000Z)))`},
		{directory.Present(directory.FieldMail), `(mail=*)`},
		{directory.Eq(directory.AttributeField("EMPLOYEENUMBER"), "7"), `(employeeNumber=7)`},
		{directory.Eq(directory.FieldID, "not-a-uuid"), matchNothing},
		{directory.Eq(directory.FieldDN, "UID=A\\2CB, DC=X"), `(entryDN=uid=a\5c,b,dc=x)`},
		{directory.Before(directory.FieldCreated, time.Date(2026, 1, 1, 12, 0, 0, 500_000_000, time.UTC)),
			`(&(createTimestamp<=20260101120000.5Z)(!(createTimestamp=20260101120000.5Z)))`},
		{directory.EndsWith(directory.FieldUsername, "*)(uid=*\\"), `(uid=*\2a\29\28uid=\2a\5c)`},
		{directory.EndsWith(directory.FieldMail, "@Example.COM"), `(mail=*@Example.COM)`},
		{directory.AtLeast(directory.FieldUIDNumber, "+0010000"), `(uidNumber>=10000)`},
		{directory.AtMost(directory.FieldGIDNumber, "20"), `(gidNumber<=20)`},
		{directory.AtLeast(directory.FieldCreated, "2026-01-01T13:00:00.25+01:00"), `(createTimestamp>=20260101120000.25Z)`},
		{directory.AtMost(directory.FieldModified, "2026-01-01T12:00:00Z"), `(modifyTimestamp<=20260101120000Z)`},
		{directory.AtLeast(directory.FieldExternalID, "a*)(x"), `(dirgateExternalId>=a\2a\29\28x)`},
		{directory.Not{Filter: directory.AtMost(directory.FieldUserPrincipalName, "m@")}, `(!(dirgatePrincipalName<=m@))`},
		{directory.Or{}, matchNothing},
		{directory.And{}, ""},
		{directory.Not{Filter: directory.And{directory.Present(directory.FieldMail), directory.Eq(directory.FieldTitle, "x")}},
			`(!(&(mail=*)(title=x)))`},
	} {
		got, err := fc.compile(tc.f)
		if err != nil {
			t.Errorf("compile(%v): %v", tc.f, err)
			continue
		}
		if got != tc.want {
			t.Errorf("compile(%v) = %s, want %s", tc.f, got, tc.want)
		}
		if got != "" {
			if _, err := goldap.CompileFilter(got); err != nil {
				t.Errorf("compile(%v) = %s, which does not parse: %v", tc.f, got, err)
			}
		}
	}
	for _, bad := range []directory.Filter{
		directory.Eq(directory.AttributeField("notAllowed"), "x"),
		directory.Eq(directory.FieldName, "x"), // a group field in a user search
		// No ordering rule for employeeNumber in the server's schema.
		directory.AtLeast(directory.AttributeField("employeeNumber"), "5"),
	} {
		if _, err := fc.compile(bad); err == nil {
			t.Errorf("compile(%v) succeeded", bad)
		}
	}
	// slapd would cut these at the NUL (IA5String matching): the first
	// would match alice@example.com, the second every mail. No stored
	// value holds NUL, so taken literally they match nothing.
	for _, tc := range []struct {
		f    directory.Filter
		want string
	}{
		{directory.Eq(directory.FieldMail, "alice@example.com\x00x"), matchNothing},
		{directory.Contains(directory.FieldMail, "\x00"), matchNothing},
		{directory.EndsWith(directory.FieldUsername, "\x00x"), matchNothing},
		{directory.Eq(directory.FieldDescription, "x\x00y"), matchNothing},
		{directory.In(directory.FieldMail, "a\x00", "b@x"), "(|(mail=b@x))"},
	} {
		got, err := fc.compile(tc.f)
		if err != nil || got != tc.want {
			t.Errorf("compile(%v) = %q, %v; want %q", tc.f, got, err, tc.want)
		}
	}
}

func TestVLVControlRoundTrip(t *testing.T) {
	req := &vlvRequest{offset: 21, afterCount: 9}
	p := req.Encode()
	if p.Children[0].Value != controlTypeVLVRequest || len(p.Children) != 3 {
		t.Fatalf("encoded control: %v children, type %v", len(p.Children), p.Children[0].Value)
	}
	// A response as slapd sends it: targetPosition 21, contentCount 10000,
	// result success, a context id.
	resp := goldap.NewControlString(controlTypeVLVResponse, false, string(vlvResponseValue(21, 10000, 0)))
	got, err := findVLVResponse([]goldap.Control{resp})
	if err != nil {
		t.Fatal(err)
	}
	if got.targetPosition != 21 || got.contentCount != 10000 || got.result != 0 {
		t.Errorf("decoded %+v", got)
	}
	if _, err := findVLVResponse(nil); err == nil {
		t.Error("no control decoded without error")
	}
}

func TestCompareDNIsATreeWalk(t *testing.T) {
	in := []string{"uid=b,ou=A,dc=x", "ou=a,dc=x", "OU=B,dc=x", "uid=a,ou=a,dc=x", "dc=x"}
	want := []string{"dc=x", "ou=a,dc=x", "uid=a,ou=a,dc=x", "uid=b,ou=A,dc=x", "OU=B,dc=x"}
	got := append([]string(nil), in...)
	sortDNs(got)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sorted %q, want %q", got, want)
		}
	}
}

func TestMemberUIDEncoding(t *testing.T) {
	for _, name := range []string{"alice", "jürgen", "Wördy", "漢字", "a.b-c"} {
		v := memberUIDOf(name)
		if !isASCII(v) {
			t.Errorf("memberUIDOf(%q) = %q is not ASCII", name, v)
		}
		if back := usernameOf(v); back != name {
			t.Errorf("usernameOf(memberUIDOf(%q)) = %q", name, back)
		}
	}
	if memberUIDOf("alice") != "alice" {
		t.Error("an ASCII name changed")
	}
}

func TestReferralURLs(t *testing.T) {
	for in, want := range map[string]int{
		"ldap://provider.example:389/dc=example,dc=com": len("ldap://provider.example:389"),
		"ldaps://p/":        len("ldaps://p"),
		"ldap://no-dn-part": -1,
		"not a url at all":  -1,
	} {
		if got := indexDNPart(in); got != want {
			t.Errorf("indexDNPart(%q) = %d, want %d", in, got, want)
		}
	}
}
