package ldap

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The filter compiler is where every client value becomes LDAP filter
// text. These targets hold it to three properties, whatever the value:
// the text parses with go-ldap's own compiler (the one every search goes
// through), each value comes back from the parsed filter byte for byte,
// and a value never adds a node to the filter (no injection). A value
// holding NUL matches nothing (slapd would compare it cut short, and no
// stored value holds one).

// fuzzFields are the text fields a client can search, plus the two whose
// values the compiler rewrites (DN, id) and an extra attribute.
var fuzzFields = []directory.Field{
	directory.FieldUsername, directory.FieldMail, directory.FieldDisplayName, directory.FieldDescription,
	directory.FieldUserPrincipalName, directory.FieldExternalID, directory.FieldDN, directory.FieldID,
	directory.AttributeField("employeeNumber"),
}

var fuzzOps = []directory.Op{directory.OpEq, directory.OpContains, directory.OpStartsWith, directory.OpIn, directory.OpEndsWith}

// filterSeeds are values a broken escape would turn into filter syntax.
var filterSeeds = []string{
	"", "alice", "*", "a*b", "*)(uid=*", ")(|(uid=*", `\`, `\2a`, `\00`, "(", ")", "x\x00y",
	"Jür", "\xff\xfe", "\xef\xbf\xbd", "uid=x,dc=example,dc=com", "UID=A\\2CB, DC=X", " lead", "trail ",
	"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", strings.Repeat("(*)", 100),
}

func FuzzFilterValue(f *testing.F) {
	for i, v := range filterSeeds {
		f.Add(uint8(i), uint8(i), v, "second")
	}
	fc := &filterCompiler{d: testDirectory("employeeNumber"), fields: userFieldKeys, now: time.Unix(1767225600, 0)}
	f.Fuzz(func(t *testing.T, field, op uint8, v, w string) {
		c := directory.Cond{Field: fuzzFields[int(field)%len(fuzzFields)], Op: fuzzOps[int(op)%len(fuzzOps)], Values: []string{v}}
		if c.Op == directory.OpIn {
			c.Values = append(c.Values, w)
		}
		if err := directory.Validate(c, directory.UserFields); err != nil {
			t.Fatalf("Validate(%#v): %v (every text value is valid)", c, err)
		}
		text, err := fc.compile(c)
		if slices.ContainsFunc(c.Values, func(v string) bool { return strings.ContainsRune(v, 0) }) {
			// slapd would match such a value cut at the NUL: it must
			// match nothing, or only through its other values (In).
			if err != nil {
				t.Fatalf("compile(%#v): %v", c, err)
			}
			if kept := slices.DeleteFunc(slices.Clone(c.Values), func(v string) bool { return strings.ContainsRune(v, 0) }); len(kept) == 0 {
				if text != matchNothing {
					t.Fatalf("compile(%#v) = %q, want %q for values holding NUL", c, text, matchNothing)
				}
				return
			}
			if strings.ContainsRune(text, 0) || strings.Contains(text, `\00`) {
				t.Fatalf("compile(%#v) = %q keeps a value holding NUL", c, text)
			}
			return
		}
		if err != nil {
			t.Fatalf("compile(%#v): %v", c, err)
		}
		// The whole search filter, as runSearch sends it.
		packet, err := goldap.CompileFilter("(&(objectClass=inetOrgPerson)" + text + ")")
		if err != nil {
			t.Fatalf("compile(%#v) = %q, which go-ldap cannot parse: %v", c, text, err)
		}
		got := packet.Children[1]
		if c.Op == directory.OpIn {
			if got.Tag != goldap.FilterOr || len(got.Children) != len(c.Values) {
				t.Fatalf("IN %q compiled to %q: not an OR of %d conditions", c.Values, text, len(c.Values))
			}
			for i, child := range got.Children {
				checkCondition(t, fc, directory.Eq(c.Field, c.Values[i]), text, child)
			}
			return
		}
		checkCondition(t, fc, c, text, got)
	})
}

// checkCondition holds the parsed condition p of c to its one node and its
// literal value.
func checkCondition(t *testing.T, fc *filterCompiler, c directory.Cond, text string, p *ber.Packet) {
	t.Helper()
	v := c.Values[0]
	attr, err := fc.attribute(c.Field)
	if err != nil {
		t.Fatal(err)
	}
	if isMatchNothing(p) {
		// Only a value that names no entry may compile to "nothing".
		if !(c.Op == directory.OpEq && (c.Field == directory.FieldDN || c.Field == directory.FieldID)) {
			t.Fatalf("%s %s %q compiled to match nothing: %q", c.Field, c.Op, v, text)
		}
		return
	}
	switch {
	case (c.Op == directory.OpContains || c.Op == directory.OpStartsWith || c.Op == directory.OpEndsWith) && v == "":
		if p.Tag != goldap.FilterPresent || string(p.Data.Bytes()) != attr {
			t.Fatalf("%s %s \"\" compiled to %q, want presence of %s", c.Field, c.Op, text, attr)
		}
	case c.Op == directory.OpEq:
		want := v
		switch c.Field {
		case directory.FieldDN:
			want, _ = directory.NormalizeDN(v)
		case directory.FieldID:
			want, _ = fc.d.prof.ids.assertion(v)
		}
		if p.Tag != goldap.FilterEqualityMatch || len(p.Children) != 2 {
			t.Fatalf("%s eq %q compiled to %q: not one equality", c.Field, v, text)
		}
		if a, got := string(p.Children[0].Data.Bytes()), string(p.Children[1].Data.Bytes()); a != attr || got != want {
			t.Fatalf("%s eq %q compiled to %q: (%s=%q), want (%s=%q)", c.Field, v, text, a, got, attr, want)
		}
	default:
		// One substring assertion: "initial" for startsWith, "final" for
		// endsWith, "any" for contains, holding the value exactly.
		wantTag := goldap.FilterSubstringsAny
		switch c.Op {
		case directory.OpStartsWith:
			wantTag = goldap.FilterSubstringsInitial
		case directory.OpEndsWith:
			wantTag = goldap.FilterSubstringsFinal
		}
		if p.Tag != goldap.FilterSubstrings || len(p.Children) != 2 || len(p.Children[1].Children) != 1 {
			t.Fatalf("%s %s %q compiled to %q: not one substring assertion", c.Field, c.Op, v, text)
		}
		sub := p.Children[1].Children[0]
		if a, got := string(p.Children[0].Data.Bytes()), string(sub.Data.Bytes()); a != attr || int(sub.Tag) != wantTag || got != v {
			t.Fatalf("%s %s %q compiled to %q: %s tag %d value %q", c.Field, c.Op, v, text, a, sub.Tag, got)
		}
	}
}

// isMatchNothing reports whether p is matchNothing, parsed.
func isMatchNothing(p *ber.Packet) bool {
	return p.Tag == goldap.FilterNot && len(p.Children) == 1 && p.Children[0].Tag == goldap.FilterPresent &&
		string(p.Children[0].Data.Bytes()) == "objectClass"
}

// FuzzFilterTree compiles arbitrary filter trees (nesting, empty lists,
// every field and operator) read from the fuzzer's bytes: whatever passes
// Validate compiles to text go-ldap parses, or is refused as invalid input.
func FuzzFilterTree(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3}, "*)(uid=*", "2026-01-01T00:00:00Z")
	f.Add([]byte{4, 4, 5, 0, 7, 1, 1, 9}, `\2a`, "not a time")
	f.Add([]byte{6, 6, 6, 6, 6, 0}, "true", "12")
	f.Add([]byte{0, 2, 4, 3, 9, 1, 4, 4, 15, 10, 1, 0}, "x*)", "12") // uidNumber atLeast 42 and externalId atMost v
	fc := &filterCompiler{d: testDirectory("employeeNumber"), fields: userFieldKeys, now: time.Unix(1767225600, 0),
		ordering: parseOrderingRules(openLDAPOrderingSample)}
	f.Fuzz(func(t *testing.T, shape []byte, v, w string) {
		r := &treeReader{shape: shape, values: []string{v, w, "true", "false", "42"}}
		tree := r.filter(0)
		if err := directory.Validate(tree, directory.UserFields); err != nil {
			if !errors.Is(err, directory.ErrInvalidInput) {
				t.Fatalf("Validate: %v does not wrap ErrInvalidInput", err)
			}
			return
		}
		text, err := fc.compile(tree)
		if err != nil {
			if !errors.Is(err, directory.ErrInvalidInput) {
				t.Fatalf("compile(%#v): %v does not wrap ErrInvalidInput", tree, err)
			}
			return
		}
		if _, err := goldap.CompileFilter("(&(objectClass=inetOrgPerson)" + text + ")"); err != nil {
			t.Fatalf("compile(%#v) = %q, which go-ldap cannot parse: %v", tree, text, err)
		}
	})
}

// treeReader builds a filter from bytes: each byte picks a node kind, a
// field, an operator or a value.
type treeReader struct {
	shape  []byte
	values []string
}

func (r *treeReader) next() int {
	if len(r.shape) == 0 {
		return 0
	}
	b := r.shape[0]
	r.shape = r.shape[1:]
	return int(b)
}

func (r *treeReader) filter(depth int) directory.Filter {
	kind := r.next() % 5
	if depth > 6 {
		kind = 4
	}
	switch kind {
	case 0, 1:
		n := r.next() % 4
		list := make([]directory.Filter, 0, n)
		for range n {
			list = append(list, r.filter(depth+1))
		}
		if kind == 0 {
			return directory.And(list)
		}
		return directory.Or(list)
	case 2:
		return directory.Not{Filter: r.filter(depth + 1)}
	case 3:
		return nil
	}
	all := directory.UserFields
	field := all[r.next()%len(all)]
	ops := []directory.Op{directory.OpEq, directory.OpContains, directory.OpStartsWith, directory.OpPresent,
		directory.OpIn, directory.OpBefore, directory.OpAfter, "bogus",
		directory.OpEndsWith, directory.OpAtLeast, directory.OpAtMost}
	c := directory.Cond{Field: field, Op: ops[r.next()%len(ops)]}
	for range r.next() % 3 {
		c.Values = append(c.Values, r.values[r.next()%len(r.values)])
	}
	return c
}
