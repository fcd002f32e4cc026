package artica

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

func TestKeyMatchAndAllowList(t *testing.T) {
	c := DefaultConfig()
	c.APIKeys = []APIKey{
		{Name: "hashed", Hash: HashKey("the-hashed-key-0001")},
		{Name: "clear", Key: "the-clear-key-00002", ReadOnly: true},
	}
	c.AllowFrom = []string{"127.0.0.1/32", "10.1.0.0/16"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d := &Dialect{}
	for _, k := range c.APIKeys {
		sum, _ := k.digest()
		d.keys = append(d.keys, apiKey{name: k.Name, sum: sum, readOnly: k.ReadOnly})
	}
	for _, p := range c.AllowFrom {
		d.allow = append(d.allow, netip.MustParsePrefix(p))
	}
	if k, ok := d.match("the-hashed-key-0001"); !ok || k.name != "hashed" || k.readOnly {
		t.Errorf("hashed key: %+v %v", k, ok)
	}
	if k, ok := d.match("the-clear-key-00002"); !ok || k.name != "clear" || !k.readOnly {
		t.Errorf("clear key: %+v %v", k, ok)
	}
	for _, wrong := range []string{"", "the-hashed-key-0002", HashKey("the-hashed-key-0001")} {
		if _, ok := d.match(wrong); ok {
			t.Errorf("match(%q) accepted", wrong)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1": true, "127.0.0.2": false, "10.1.255.3": true, "10.2.0.1": false, "::1": false} {
		if got := d.allowed(netip.MustParseAddr(addr)); got != want {
			t.Errorf("allowed(%s) = %v", addr, got)
		}
	}
}

func TestClientAddrIgnoresForwardedHeadersWithoutTrustedProxies(t *testing.T) {
	e := echo.New()
	req := httptest.NewRequest("GET", "/ping", nil)
	req.RemoteAddr = "127.0.0.2:40000"
	req.Header.Set("X-Forwarded-For", "127.0.0.1")
	req.Header.Set("X-Real-IP", "127.0.0.1")
	if got := dialect.ClientAddr(e.NewContext(req, httptest.NewRecorder())); got != netip.MustParseAddr("127.0.0.2") {
		t.Fatalf("ClientAddr = %v, want the peer 127.0.0.2", got)
	}
	req.RemoteAddr = "[::ffff:127.0.0.1]:1"
	if got := dialect.ClientAddr(e.NewContext(req, httptest.NewRecorder())); got != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("ClientAddr of a mapped address = %v", got)
	}
}
