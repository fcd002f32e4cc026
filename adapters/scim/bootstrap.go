package scim

import (
	"net"

	"github.com/dirgate/dirgate/internal/dialect"
)

// Credentials is the quick start's section for this dialect in
// initial-credentials.json: the service's URL (an identity provider's
// "tenant URL") and the token, the one time it is shown.
type Credentials struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// Bootstrap generates the quick start's token, with full access, and
// keeps only its hash in the configuration.
func (c *Config) Bootstrap(b *dialect.Bootstrap) (any, error) {
	t, token, err := NewToken("quickstart", false, nil)
	if err != nil {
		return nil, err
	}
	c.Tokens = append(c.Tokens, t)
	return Credentials{URL: serviceURL(b), Token: token}, nil
}

// serviceURL is where the quick start serves the dialect: its own TCP
// listener when it has one, else the main listener; an address that
// listens everywhere is reached at the loopback.
func serviceURL(b *dialect.Bootstrap) string {
	addr := b.Listen
	for _, l := range b.Listeners {
		if l.Network == "tcp" {
			addr = l.Address
			break
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + DefaultPrefix
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + DefaultPrefix
}

var _ dialect.Bootstrapper = (*Config)(nil)
