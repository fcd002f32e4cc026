package adweb

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestFQDNSelectsTheDomain: with two domains, FQDN picks the one a request
// works in, and a DN of one is outside the other.
func TestFQDNSelectsTheDomain(t *testing.T) {
	dart := inproc.New(t, identity.DomainConfig{Name: "dart.org"}, "dc=dart,dc=org", storeConfig).Domain
	other := inproc.New(t, identity.DomainConfig{Name: "Other.Example"}, "dc=other,dc=example", storeConfig).Domain
	core, err := identity.NewService(dart, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.CreateUser(t.Context(), system, directory.NewUser{Username: "olga", Password: goodPass}); err != nil {
		t.Fatal(err)
	}
	kc, secret, _ := NewKey("", false, nil)
	d, err := (&Config{Keys: []KeyConfig{kc}}).Build(dialect.Deps{Core: core})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	d.Mount(e.Group(DefaultPrefix), dialect.Listener{})
	h := &harness{t: t, e: e, admin: credentials{kc.Key, secret}}

	var found entryView
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=olga&fqdn=other.example", "").ok(t, "getdn in other", &found)
	if !directory.IsUnder(found.DistinguishedName, "dc=other,dc=example") {
		t.Errorf("found %+v", found)
	}
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=olga&fqdn=dart.org", "").refused(t, "getdn in dart", 404, codeNotFound)
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN="+found.DistinguishedName+"&fqdn=dart.org", "").
		refused(t, "other's DN in dart", 400, codeOutsideDomain, "outside the domain dart.org")
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=olga&fqdn=example", "").
		refused(t, "unknown", 400, codeUnknownDomain, `"example"`, "dart.org, Other.Example")
}
