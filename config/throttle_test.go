package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory/embedded"
)

// TestServerThrottleAndProxiesAreChecked: trusted proxies must parse, the
// header must be one of three, limits must be sane, and the per-account
// budget must stay below an embedded domain's lockout threshold.
func TestServerThrottleAndProxiesAreChecked(t *testing.T) {
	valid := func() *Config {
		c := defaults()
		d := defaultDomain()
		d.Name, d.BaseDN = "example.com", "dc=example,dc=com"
		d.Backend = Backend{Type: "embedded", Config: embedded.NewConfig()}
		c.Domains = []Domain{d}
		c.Server.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}
		return &c
	}
	if err := valid().Validate(reg); err != nil {
		t.Fatalf("defaults with trusted proxies: %v", err)
	}
	c := valid()
	c.Server.TrustedProxies = []string{"10.0.0.0/8", "proxy.example.com", "10.0.0.0/33"}
	c.Server.ClientAddressHeader = "X-Client-IP"
	c.Server.Throttle.PerAddress.Failures = -1
	c.Server.Throttle.PerAccountAddress.Refill = 0
	c.Server.Throttle.PerAccountAddress.Failures = 5 // the store locks at 5
	c.Server.Throttle.MaxTracked = 10
	var got []string
	for _, p := range Problems(c.Validate(reg)) {
		got = append(got, p.Error())
	}
	for _, want := range []string{
		`server.trustedProxies[1]: "proxy.example.com" is not a CIDR`,
		`server.trustedProxies[2]: "10.0.0.0/33" is not a CIDR`,
		`server.clientAddressHeader: "X-Client-IP" is not one of`,
		"server.throttle.perAddress.failures: must not be negative",
		"server.throttle.perAccountAddress.refill: must be positive",
		"server.throttle.perAccountAddress.failures: must be between 1 and 4, below domains[0]'s lockoutThreshold (5)",
		"server.throttle.maxTracked: must be at least 100",
	} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, want) }) {
			t.Errorf("missing problem %q", want)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(got, "\n"))
	}
	if len(got) != 7 {
		t.Errorf("%d problems, want 7", len(got))
	}
}
