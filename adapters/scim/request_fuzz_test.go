package scim

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// FuzzFilter compiles arbitrary filters for Users and Groups. A refusal
// is a 400 invalidFilter; what compiles is a filter the core accepts.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		`userName eq "bjensen"`, `emails[type eq "work" and value co "@example.com"] or not (title pr)`,
		`meta.lastModified gt "2011-05-13T04:42:34Z"`, `phoneNumbers[type eq "mobile"].value sw "+33"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department ew "\u0041"`,
		`userName eq "*)(uid=*"`, `active eq "False"`, `externalId gt "m" and externalId le "z"`,
		`members[value eq "x" or value eq "y"]`, `((((userName pr))))`, `userName eq "\"`, `not(`, ``,
	} {
		f.Add(s)
	}
	users := newUserSchema(directory.DefaultExtraAttributes(""))
	noLookup := func(string) (string, error) { return "", nil }
	none := func(string) ([]string, error) { return nil, nil }
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			comp   *compiler
			fields []directory.Field
		}{
			{&compiler{core: urnUser, resolve: users.resolve, lookupManager: noLookup}, directory.UserFields},
			{&compiler{core: urnGroup, resolve: resolveGroup, lookupGroups: none}, directory.GroupFields},
		} {
			got, err := c.comp.compileFilter(s)
			if err != nil {
				var se *scimError
				if !errors.As(err, &se) || se.status != http.StatusBadRequest || se.scimType != typeInvalidFilter {
					t.Fatalf("%q: %v, want 400 invalidFilter", s, err)
				}
				continue
			}
			if err := directory.Validate(got, c.fields); err != nil {
				t.Fatalf("%q compiled to %s, which the core refuses: %v", s, describe(got), err)
			}
		}
	})
}

// FuzzPatchUser sends arbitrary PATCH bodies for one user: every answer
// is 200 or a 4xx in the SCIM envelope, never a 5xx or a panic.
func FuzzPatchUser(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"a@b.c"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":"False","name":{"givenName":"x"}}}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"phoneNumbers[type eq \"mobile\"]"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"nobody"}}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"name","value":[1,2]}]}`,
		`{"Operations":null}`, `[]`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"id","value":"x"}]}`,
	} {
		f.Add(s)
	}
	h := newHarness(f)
	id := h.createUser(map[string]any{"userName": "fuzzed"})["id"].(string)
	f.Fuzz(func(t *testing.T, body string) {
		ht := *h
		ht.t = t
		a := ht.call(http.MethodPatch, "/Users/"+id, body)
		if a.status >= 500 {
			t.Fatalf("%s: %d %s", body, a.status, a.raw)
		}
		if a.status != http.StatusOK && !strings.Contains(a.raw, schemaError) {
			t.Fatalf("%s: %d without the SCIM envelope: %s", body, a.status, a.raw)
		}
	})
}
