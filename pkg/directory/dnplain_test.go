package directory

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// The plain-DN path must answer exactly as the parser's: these compare
// the two on DNs that are plain, DNs one character away from plain, and
// random strings over an alphabet of DN metacharacters.

// parsedUnder, parsedEqual and parsedNormal are IsUnder, EqualDN and
// NormalizeDN by go-ldap's parser only.
func parsedUnder(dn, base string) bool {
	pd, err := ldap.ParseDN(dn)
	if err != nil {
		return false
	}
	pb, err := ldap.ParseDN(base)
	if err != nil {
		return false
	}
	return pd.EqualFold(pb) || pb.AncestorOfFold(pd)
}

func parsedEqual(a, b string) bool {
	pa, errA := ldap.ParseDN(a)
	pb, errB := ldap.ParseDN(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return pa.EqualFold(pb)
}

func parsedNormal(dn string) (string, bool) {
	if strings.TrimSpace(dn) == "" {
		return "", false
	}
	p, err := ldap.ParseDN(dn)
	if err != nil || len(p.RDNs) == 0 {
		return "", false
	}
	return strings.ToLower(FormatDN(p)), true
}

func checkPlainAgrees(t *testing.T, a, b string) {
	t.Helper()
	if _, err := ParseDN(a); (CheckDN(a) == nil) != (err == nil) {
		t.Errorf("CheckDN(%q) = %v, ParseDN's error: %v", a, CheckDN(a), err)
	}
	if plainDN(a) {
		want, err := ldap.ParseDN(a)
		if got := parsePlain(a); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("parsePlain(%q) = %+v; the parser's: %+v, %v", a, got, want, err)
		}
	}
	if n, err := NormalizeDN(a); err == nil || plainDN(a) {
		want, ok := parsedNormal(a)
		if !ok || err != nil || n != want {
			t.Errorf("NormalizeDN(%q) = %q, %v; the parser's: %q, %v", a, n, err, want, ok)
		}
	}
	if got, want := IsUnder(a, b), parsedUnder(a, b); got != want {
		t.Errorf("IsUnder(%q, %q) = %v, the parser's %v", a, b, got, want)
	}
	if got, want := EqualDN(a, b), parsedEqual(a, b); got != want {
		t.Errorf("EqualDN(%q, %q) = %v, the parser's %v", a, b, got, want)
	}
}

func TestPlainDNAgreesWithParser(t *testing.T) {
	dns := []string{
		"uid=jdoe,ou=people,dc=example,dc=com", "UID=JDoe,OU=People,DC=Example,DC=Com",
		"ou=people,dc=example,dc=com", "dc=example,dc=com", "dc=com", "DC=COM",
		"uid=j.doe_1-x,dc=example,dc=com", "uid=jdoe,dc=example,dc=co", "uid=jdoe,xdc=example,dc=com",
		"uid=jdoe, ou=people,dc=example,dc=com", "uid=jdoe,ou=people,dc=example,dc=com ",
		"uid=a+cn=b,dc=example,dc=com", "uid=a\\2cb,dc=example,dc=com", "uid=a\\,b,dc=example,dc=com",
		"uid=#0401,dc=example,dc=com", "uid=a=b,dc=example,dc=com", "uid=,dc=example,dc=com",
		"=a,dc=example,dc=com", "uid=a,,dc=example,dc=com", ",dc=example,dc=com", "dc=example,dc=com,",
		"uid=a;dc=example;dc=com", "uid=\"a\",dc=example,dc=com", "uid=a", "a", "", " ", "uid=ü,dc=example,dc=com",
		"cn=Ünïcode,dc=example,dc=com", "uid=a,dc=example,dc=com\x00",
	}
	for _, a := range dns {
		for _, b := range dns {
			checkPlainAgrees(t, a, b)
		}
	}
	if !plainDN("uid=jdoe,ou=people,dc=example,dc=com") {
		t.Error("a lookup's usual DN is not plain: the fast path is never taken")
	}
}

func TestPlainDNAgreesOnRandomText(t *testing.T) {
	const alphabet = "aAbB0.-_=,+;# \\\"é"
	bases := []string{"dc=example,dc=com", "DC=Example,dc=COM", "ou=a,dc=example,dc=com"}
	r := rand.New(rand.NewPCG(21, 4533))
	for range 20000 {
		n := 1 + r.IntN(12)
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		base := bases[r.IntN(len(bases))]
		checkPlainAgrees(t, s, base)
		checkPlainAgrees(t, s+","+base, base)
		checkPlainAgrees(t, base, s)
		checkPlainAgrees(t, s+","+base, s+","+strings.ToUpper(base))
	}
}

func FuzzPlainDNAgreesWithParser(f *testing.F) {
	f.Add("uid=jdoe,ou=people,dc=example,dc=com", "dc=example,dc=com")
	f.Add("uid=a\\,b,dc=x", "DC=X")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkPlainAgrees(t, a, b)
	})
}

// BenchmarkLookupDN is what one lookup through the read model asks of a
// DN (issue 21): checked, under the domain, normalized as a key; by
// go-ldap's parser (as before) and by the plain path.
func BenchmarkLookupDN(b *testing.B) {
	const dn, base = "uid=bulk04217,ou=people,dc=example,dc=com", "dc=example,dc=com"
	b.Run("parser", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := parsedNormal(dn); !ok || !parsedUnder(dn, base) {
				b.Fatal("no")
			}
			if _, err := ldap.ParseDN(dn); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := NormalizeDN(dn); err != nil || !IsUnder(dn, base) {
				b.Fatal("no")
			}
			if err := CheckDN(dn); err != nil {
				b.Fatal(err)
			}
		}
	})
}
