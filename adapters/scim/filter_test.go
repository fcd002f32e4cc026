package scim

import (
	"errors"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func userCompilerFor(t *testing.T) *compiler {
	t.Helper()
	s := newUserSchema(directory.DefaultExtraAttributes("ad"))
	return &compiler{core: urnUser, resolve: s.resolve, lookupManager: func(id string) (string, error) {
		if id == "boss" {
			return "uid=boss,ou=people,dc=example,dc=com", nil
		}
		return "", nil
	}}
}

// TestFilterCompiles: the whole RFC 7644 grammar compiles to one core
// filter: every operator, and/or/not, grouping, value filters, URN
// paths, any case of names and operators.
func TestFilterCompiles(t *testing.T) {
	c := userCompilerFor(t)
	for _, tc := range []struct{ in, want string }{
		{`userName eq "bjensen"`, `username eq ["bjensen"]`},
		{`USERNAME Eq "bjensen"`, `username eq ["bjensen"]`},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`, `username eq ["x"]`},
		{`userName ne "x"`, `not(username eq ["x"])`},
		{`name.familyName co "O'Malley"`, `surname contains ["O'Malley"]`},
		{`userName sw "J"`, `username startsWith ["J"]`},
		{`title ew "ager"`, `title endsWith ["ager"]`},
		{`title pr`, `title present []`},
		{`externalId gt "m"`, `and(externalId atLeast ["m"], not(externalId eq ["m"]))`},
		{`externalId ge "m"`, `externalId atLeast ["m"]`},
		{`externalId lt "m"`, `and(externalId atMost ["m"], not(externalId eq ["m"]))`},
		{`externalId le "m"`, `externalId atMost ["m"]`},
		{`meta.lastModified gt "2011-05-13T04:42:34Z"`, `modified after ["2011-05-13T04:42:34Z"]`},
		{`meta.created ge "2011-05-13T04:42:34Z"`, `created atLeast ["2011-05-13T04:42:34Z"]`},
		{`active eq true`, `enabled eq ["true"]`},
		{`active ne false`, `enabled eq ["true"]`},
		{`userName eq "a" or userName eq "b" and not (title pr)`, `or(username eq ["a"], and(username eq ["b"], not(title present [])))`},
		{`(userName eq "a" or userName eq "b") and title pr`, `and(or(username eq ["a"], username eq ["b"]), title present [])`},
		{`emails[type eq "work" and value co "@example.com"]`, `and(mail present [], mail contains ["@example.com"])`},
		{`emails[type eq "home"]`, `or()`},
		{`emails.value eq "a@b.c"`, `and(mail present [], mail eq ["a@b.c"])`},
		{`emails co "@b.c"`, `and(mail present [], mail contains ["@b.c"])`},
		{`emails pr`, `mail present []`},
		{`phoneNumbers[type eq "mobile" and value sw "+33"]`, `and(mobile present [], mobile startsWith ["+33"])`},
		{`phoneNumbers.value eq "1"`, `or(and(telephone present [], telephone eq ["1"]), and(mobile present [], mobile eq ["1"]))`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D"`, `attr:department eq ["R&D"]`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "boss"`, `attr:manager eq ["uid=boss,ou=people,dc=example,dc=com"]`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "nobody"`, `or()`},
		{`userName eq "a\"b\\c"`, `username eq ["a\"b\\c"]`},
		{`userName eq "*)(uid=*"`, `username eq ["*)(uid=*"]`},
		{`title eq "\u00e9\u003c\u0022\u005c\ud83d\ude00"`, `title eq ["é<\"\\😀"]`},
		{`title eq "\\u0041"`, `title eq ["\\u0041"]`},
	} {
		f, err := c.compileFilter(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := describe(f); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestFilterRefusals: what cannot be evaluated by the directory is 400
// invalidFilter, never a scan.
func TestFilterRefusals(t *testing.T) {
	c := userCompilerFor(t)
	for _, in := range []string{
		`userName eq`,                 // does not parse
		`nickName eq "x"`,             // not mapped
		`groups.value eq "x"`,         // not a field of the directory
		`userName gt "m"`,             // no ordering rule on uid
		`id co "x"`,                   // ids compare by equality only
		`active eq "yes"`,             // not a boolean
		`active co "t"`,               // booleans: eq, ne, pr
		`meta.created gt "yesterday"`, // not a date-time
		`userName eq 12`,              // not a string
		`urn:example:foo eq "x"`,      // unknown schema
		`name[givenName eq "x"]`,      // not multi-valued
		`emails[display eq "x"]`,      // not mapped
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager co "x"`,
	} {
		_, err := c.compileFilter(in)
		var se *scimError
		if !errors.As(err, &se) || se.status != 400 || se.scimType != typeInvalidFilter {
			t.Errorf("%s: %v, want 400 invalidFilter", in, err)
		}
	}
}

// TestFilterOnGroups: displayName, externalId, id; members are not a
// field of the directory's search.
func TestFilterOnGroups(t *testing.T) {
	c := &compiler{core: urnGroup, resolve: resolveGroup}
	f, err := c.compileFilter(`displayName eq "Sales" and externalId pr`)
	if err != nil || describe(f) != `and(name eq ["Sales"], externalId present [])` {
		t.Fatalf("got %s, %v", describe(f), err)
	}
	if _, err := c.compileFilter(`members.value eq "x"`); err == nil {
		t.Fatal("a filter on members was accepted")
	}
}
