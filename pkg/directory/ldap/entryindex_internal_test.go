package ldap

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The mappings read an indexed entry (entryindex.go); these are the
// mappings as they were, one GetEqualFoldAttributeValues per read, to
// compare against.

func (d *Directory) refToUser(e *ldap.Entry) directory.User {
	u := directory.User{
		ID:                d.id(e),
		DN:                e.DN,
		Username:          d.val(e, attrUsername),
		UIDNumber:         d.numVal(e, attrUIDNumber),
		GIDNumber:         d.numVal(e, attrGIDNumber),
		GivenName:         d.val(e, attrGivenName),
		Surname:           d.val(e, attrSurname),
		DisplayName:       d.val(e, attrDisplayName),
		Mail:              d.val(e, attrMail),
		Telephone:         d.val(e, attrTelephone),
		Mobile:            d.vals(e, attrMobile),
		Title:             d.val(e, attrTitle),
		Description:       d.val(e, attrDesc),
		UserPrincipalName: d.val(e, attrPrincipalName),
		HomeDirectory:     d.val(e, attrHomeDirectory),
		ExternalID:        d.val(e, attrExtID),
		InvitationPending: d.boolVal(e, attrInvitePending),
		InvitationExpiry:  d.timeVal(e, attrInviteExpiry),
		System:            d.boolVal(e, attrSystem),
		Created:           d.timeVal(e, attrCreated),
		Modified:          d.timeVal(e, attrModified),
	}
	if u.Surname == u.Username && !d.prof.quirks.optionalNames {
		u.Surname = ""
	}
	if d.prof.quirks.otherMobile != "" {
		u.Mobile = append(u.Mobile, e.GetEqualFoldAttributeValues(d.prof.quirks.otherMobile)...)
	}
	if len(u.Mobile) == 0 {
		u.Mobile = nil
	}
	for _, a := range d.extra {
		if v := e.GetEqualFoldAttributeValues(a); len(v) > 0 {
			if u.Attributes == nil {
				u.Attributes = map[string][]string{}
			}
			u.Attributes[a] = v
		}
	}
	d.prof.account.state(e, &u, d.now())
	return u
}

func (d *Directory) refToGroup(e *ldap.Entry) directory.Group {
	return directory.Group{
		ID:          d.id(e),
		DN:          e.DN,
		Name:        d.val(e, attrGroupName),
		GIDNumber:   d.numVal(e, attrGIDNumber),
		Description: d.val(e, attrDesc),
		ExternalID:  d.val(e, attrExtID),
		System:      d.boolVal(e, attrSystem),
		Created:     d.timeVal(e, attrCreated),
		Modified:    d.timeVal(e, attrModified),
	}
}

func (d *Directory) refToOU(e *ldap.Entry) directory.OU {
	return directory.OU{
		ID:          d.id(e),
		DN:          e.DN,
		Name:        d.val(e, attrOUName),
		Description: d.val(e, attrDesc),
		Street:      d.val(e, attrStreet),
		City:        d.val(e, attrCity),
		State:       d.val(e, attrState),
		PostalCode:  d.val(e, attrPostalCode),
		Country:     d.val(e, attrCountry),
		Protected:   d.ouProtected(e),
		Created:     d.timeVal(e, attrCreated),
		Modified:    d.timeVal(e, attrModified),
	}
}

// mappingDirectory opens a backend that never connects, for mapping
// entries only.
func mappingDirectory(t testing.TB, edit func(*Config)) *Directory {
	t.Helper()
	cfg := *NewConfig()
	cfg.URLs = []string{"ldap://127.0.0.1:1"}
	if edit != nil {
		edit(&cfg)
	}
	d, err := Open(t.Context(), cfg, directory.BackendEnv{Domain: "example.com", BaseDN: "dc=example,dc=com"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return now }
	return d
}

// respell changes the case of some letters of an attribute name, and now
// and then a k or s to the Kelvin sign or long s, which EqualFold folds to
// them.
func respell(r *rand.Rand, name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case (c == 'k' || c == 'K') && r.IntN(6) == 0:
			b.WriteRune('\u212a')
		case (c == 's' || c == 'S') && r.IntN(6) == 0:
			b.WriteRune('\u017f')
		case r.IntN(4) == 0:
			b.WriteString(strings.ToUpper(string(c)))
		case r.IntN(4) == 0:
			b.WriteString(strings.ToLower(string(c)))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func randomValue(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return ""
	case 1:
		return "TRUE"
	case 2:
		return "true"
	case 3:
		return "FALSE"
	case 4:
		return disabledMark
	case 5:
		return guardEndTime
	case 6:
		return "20261122110000Z"
	case 7:
		return "20250101000000Z"
	case 8:
		return fmt.Sprint(r.IntN(100000))
	case 9:
		return "not a time"
	case 10:
		return "8d5e3c1A-0b1c-4e5f-9a7b-1c2d3e4f5a6b"
	}
	return fmt.Sprintf("v%d", r.IntN(5))
}

// entryMaker builds entries of names drawn from names (respelled,
// repeated, some left out) and a few the mapping does not read. Half of
// them repeat the names of an earlier one, now and then with one changed:
// the layouts attrIndex remembers.
type entryMaker struct {
	r      *rand.Rand
	names  []string
	shapes [][]string
}

func (m *entryMaker) entry() *ldap.Entry {
	r := m.r
	var names []string
	if len(m.shapes) > 0 && r.IntN(2) == 0 {
		names = append(names, m.shapes[r.IntN(len(m.shapes))]...)
		if len(names) > 0 && r.IntN(3) == 0 {
			names[r.IntN(len(names))] = respell(r, m.names[r.IntN(len(m.names))])
		}
	} else {
		pool := append(m.names[:len(m.names):len(m.names)], "unmapped", "x-other", "ÿattr")
		for range r.IntN(2 * len(pool)) {
			names = append(names, respell(r, pool[r.IntN(len(pool))]))
		}
		if len(m.shapes) < 6 {
			m.shapes = append(m.shapes, names)
		}
	}
	e := &ldap.Entry{DN: fmt.Sprintf("uid=u%d,ou=people,dc=example,dc=com", r.IntN(1000))}
	for _, n := range names {
		a := &ldap.EntryAttribute{Name: n}
		for range r.IntN(4) {
			v := randomValue(r)
			a.Values = append(a.Values, v)
			a.ByteValues = append(a.ByteValues, []byte(v))
		}
		e.Attributes = append(e.Attributes, a)
	}
	return e
}

// compareMappings maps n entries both ways, stopping at the first
// difference (it may run on a goroutine of its own: no Fatal).
func compareMappings(t *testing.T, d *Directory, m *entryMaker, n int) {
	t.Helper()
	for i := range n {
		e := m.entry()
		if got, want := d.toUser(e), d.refToUser(e); !reflect.DeepEqual(got, want) {
			t.Errorf("entry %d %v:\nuser   %+v\nwanted %+v", i, e.Attributes, got, want)
			return
		}
		if got, want := d.toGroup(e), d.refToGroup(e); !reflect.DeepEqual(got, want) {
			t.Errorf("entry %d: group %+v, wanted %+v", i, got, want)
			return
		}
		if got, want := d.toOU(e), d.refToOU(e); !reflect.DeepEqual(got, want) {
			t.Errorf("entry %d: OU %+v, wanted %+v", i, got, want)
			return
		}
	}
}

func TestIndexedMappingAsEqualFoldLookups(t *testing.T) {
	manyExtra := make([]string, 70)
	for i := range manyExtra {
		manyExtra[i] = fmt.Sprintf("extra%d", i)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		after func(*Directory)
	}{
		{"openldap", nil, nil},
		{"openldap/extras", func(c *Config) { c.ExtraAttributes = []string{"employeeNumber", "EMPLOYEEnumber", "departmentNumber"} }, nil},
		{"openldap/shared and unmapped", func(c *Config) {
			c.Attributes = map[string]string{"displayName": "CN", "commonName": "cn", "externalId": "employeeNumber",
				"userPrincipalName": "", "system": "", "title": "Description"}
		}, nil},
		// A name that is not ASCII (the configuration refuses them): matched
		// by EqualFold alone.
		{"openldap/unicode name", nil, func(d *Directory) {
			d.attrs = d.attrs.with(map[string]string{"title": "tit\u212ale", "mail": "\u017fn"})
			d.indexAttrs()
		}},
		// More names than an entryView holds.
		{"openldap/more than maxSlots", func(c *Config) { c.ExtraAttributes = manyExtra }, nil},
		{"ad", func(c *Config) { c.Profile = "ad" }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mappingDirectory(t, tc.edit)
			if tc.after != nil {
				tc.after(d)
			}
			if want := strings.Contains(tc.name, "unicode"); d.ix.fold != want {
				t.Fatalf("fold = %v, want %v", d.ix.fold, want)
			}
			if strings.Contains(tc.name, "maxSlots") && len(d.ix.names) <= maxSlots {
				t.Fatalf("%d slots, want more than %d", len(d.ix.names), maxSlots)
			}
			names := append(append(append([]string{}, d.userAttrs...), d.groupAttrs...), d.ouAttrs...)
			names = append(names, "pwdEndTime", "title", "mail", "sn")
			// Concurrent mappings share the remembered layouts.
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					m := &entryMaker{r: rand.New(rand.NewPCG(uint64(g), uint64(len(tc.name)))), names: names}
					compareMappings(t, d, m, 5000)
				})
			}
			wg.Wait()
		})
	}
}

// BenchmarkToUser maps a user entry as slapd returns one to a listing.
//
//	go test -run '^$' -bench BenchmarkToUser -benchmem ./pkg/directory/ldap/
func BenchmarkToUser(b *testing.B) {
	d := mappingDirectory(b, func(c *Config) { c.ExtraAttributes = []string{"employeeNumber", "departmentNumber"} })
	vals := map[string]string{"entryUUID": "8d5e3c1a-0b1c-4e5f-9a7b-1c2d3e4f5a6b", "createTimestamp": "20261122110000Z",
		"modifyTimestamp": "20261122110500Z", "uid": "bulk00042", "cn": "Bulk User 42", "givenName": "Bulk",
		"sn": "User42", "displayName": "Bulk User 42", "mail": "bulk00042@example.com", "uidNumber": "10042",
		"gidNumber": "10000", "homeDirectory": "/home/bulk00042", "employeeNumber": "E-42", "objectClass": "inetOrgPerson"}
	e := &ldap.Entry{DN: "uid=bulk00042,ou=people,dc=example,dc=com"}
	for _, a := range d.userAttrs { // in the order asked for, as slapd answers
		if v, ok := vals[a]; ok {
			e.Attributes = append(e.Attributes, &ldap.EntryAttribute{Name: a, Values: []string{v}, ByteValues: [][]byte{[]byte(v)}})
		}
	}
	e.Attributes[len(e.Attributes)-1].Values = []string{"top", "person", "organizationalPerson", "inetOrgPerson", "posixAccount"}
	for _, m := range []struct {
		name string
		conv func(*ldap.Entry) directory.User
	}{{"indexed", d.toUser}, {"equalFold", d.refToUser}} {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if u := m.conv(e); u.Username != "bulk00042" {
					b.Fatal(u.Username)
				}
			}
		})
	}
}

// parseGeneralizedTime is ber.ParseGeneralizedTime, value for value.
func TestParseGeneralizedTime(t *testing.T) {
	vals := []string{"20261122110000Z", "00000101000000Z", "99991231235959Z", "20240229120000Z", "20230229120000Z",
		"21000229000000Z", "20000229000000Z", "20260001000000Z", "20261301000000Z", "20261100000000Z",
		"20261131000000Z", "20261232000000Z", "20261122240000Z", "20261122236000Z", "20261122235960Z",
		"2026112211000Z", "202611221100000Z", "20261122110000z", "2026112211000aZ", "-0261122110000Z",
		"20261122110000.5Z", "20261122110000+0100", "202611221100Z", "2026112211Z", "", "Z", disabledMark,
		guardEndTime, "20261122110000Z ", " 0261122110000Z", "+0261122110000Z", "2026112211+000Z"}
	r := rand.New(rand.NewPCG(7, 7))
	for range 200000 {
		b := []byte("20261122110000Z")
		for i := range 14 {
			if r.IntN(3) == 0 {
				b[i] = byte('0' + r.IntN(10))
			}
		}
		vals = append(vals, string(b))
	}
	for y := 0; y <= 2400; y++ {
		for m := time.January; m <= time.December; m++ {
			if got, want := daysIn(m, y), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Fatalf("daysIn(%v, %d) = %d, want %d", m, y, got, want)
			}
		}
	}
	for _, v := range vals {
		got, gotErr := parseGeneralizedTime(v)
		want, wantErr := ber.ParseGeneralizedTime([]byte(v))
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() ||
			got != want || !reflect.DeepEqual(got.UTC(), want.UTC()) {
			t.Fatalf("%q: %v, %v; ber %v, %v", v, got, gotErr, want, wantErr)
		}
	}
}
