package directory

import (
	"errors"
	"testing"
	"time"
)

func TestValidateFilter(t *testing.T) {
	good := []Filter{
		nil,
		Eq(FieldUsername, "a*b"),
		And{Contains(FieldMail, "x"), Or{StartsWith(FieldDisplayName, "J"), Present(FieldExternalID)}},
		Not{In(FieldUIDNumber, "1000", "1001")},
		BoolEq(FieldEnabled, false),
		After(FieldCreated, time.Now()),
		Eq(AttributeField("pager"), "1"),
		EndsWith(FieldMail, "@example.com"),
		AtLeast(FieldUIDNumber, "1000"),
		AtMost(FieldGIDNumber, "2000"),
		AtLeast(FieldCreated, "2026-01-01T00:00:00Z"),
		AtMost(FieldModified, "2026-01-01T00:00:00.5+01:00"),
		AtLeast(FieldExternalID, "m"),
		AtMost(FieldUserPrincipalName, "m@"),
		AtLeast(AttributeField("pager"), "1"), // the backend's schema decides
	}
	for _, f := range good {
		if err := Validate(f, UserFields); err != nil {
			t.Errorf("Validate(%#v) = %v", f, err)
		}
	}
	bad := []Filter{
		Eq("nosuchfield", "x"),
		Cond{Field: FieldUsername, Op: "regex", Values: []string{"x"}},
		Cond{Field: FieldUsername, Op: OpEq},
		Cond{Field: FieldUsername, Op: OpPresent, Values: []string{"x"}},
		Cond{Field: FieldUsername, Op: OpIn},
		Contains(FieldUIDNumber, "1"),
		Eq(FieldUIDNumber, "abc"),
		Eq(FieldEnabled, "yes"),
		Cond{Field: FieldCreated, Op: OpAfter, Values: []string{"yesterday"}},
		Cond{Field: FieldCreated, Op: OpEq, Values: []string{"2026-01-01T00:00:00Z"}},
		Cond{Field: FieldUsername, Op: OpBefore, Values: []string{"2026-01-01T00:00:00Z"}},
		And{Eq(FieldUsername, "a"), Eq(FieldName, "b")}, // name is a group field
		EndsWith(FieldUIDNumber, "1"),
		EndsWith(FieldCreated, "Z"),
		Cond{Field: FieldMail, Op: OpEndsWith, Values: []string{"a", "b"}},
		AtLeast(FieldEnabled, "true"),
		AtMost(FieldSystem, "false"),
		AtLeast(FieldUIDNumber, "many"),
		AtMost(FieldCreated, "yesterday"),
		Cond{Field: FieldUIDNumber, Op: OpAtLeast},
		Cond{Field: FieldUIDNumber, Op: OpAtMost, Values: []string{"1", "2"}},
		AtLeast(FieldUsername, "m"), // no ORDERING rule for uid in OpenLDAP's schema
		AtMost(FieldMail, "m"),
		Not{Filter: AtLeast(FieldDisplayName, "m")},
		AtLeast(FieldID, "0"),
		AtLeast(FieldDN, "cn=a"),
		AtLeast(FieldExternalID, "x\x00y"),
	}
	for _, f := range bad {
		if err := Validate(f, UserFields); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Validate(%#v) = %v, want ErrInvalidInput", f, err)
		}
	}
}

func TestDNHelpers(t *testing.T) {
	if !EqualDN("CN=Micheal,OU=ABC,DC=dart,DC=org", "cn=micheal, ou=abc,dc=dart,dc=org") {
		t.Error("EqualDN ignores case and spacing per RFC 4514")
	}
	if EqualDN("cn=a,dc=x", "cn=b,dc=x") {
		t.Error("different DNs compared equal")
	}
	if !IsUnder("uid=a,ou=sales,dc=example,dc=com", "DC=Example,DC=Com") || !IsUnder("dc=example,dc=com", "dc=example,dc=com") {
		t.Error("IsUnder misses a descendant or the base itself")
	}
	if IsUnder("uid=a,ou=presales,dc=example,dc=com", "ou=sales,dc=example,dc=com") {
		t.Error("IsUnder compares strings, not RDNs")
	}
	dn := ChildDN("uid", `a,b+c"d\e<f>g;h#i=j`, "ou=people,dc=example,dc=com")
	got, err := FirstRDNValue(dn)
	if err != nil || got != `a,b+c"d\e<f>g;h#i=j` {
		t.Fatalf("ChildDN/FirstRDNValue round trip: %q, %v (dn %s)", got, err, dn)
	}
	parent, err := ParentDN(dn)
	if err != nil || !EqualDN(parent, "ou=people,dc=example,dc=com") {
		t.Fatalf("ParentDN = %q, %v", parent, err)
	}
	n1, _ := NormalizeDN("UID=Jürgen,OU=People,DC=Example,DC=Com")
	n2, _ := NormalizeDN("uid=jürgen, ou=people, dc=example, dc=com")
	if n1 != n2 || n1 == "" {
		t.Fatalf("NormalizeDN: %q vs %q", n1, n2)
	}
	if _, err := ParseDN("not a dn"); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("ParseDN of garbage = %v", err)
	}
}
