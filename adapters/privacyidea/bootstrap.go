package privacyidea

import (
	"github.com/dirgate/dirgate/internal/dialect"
)

// The quick start's realm and resolver: its embedded directory, editable.
const quickStartName = "local"

var _ dialect.Bootstrapper = (*Config)(nil)

// Bootstrap fills what the quick start needs and keeps what is already
// configured: a signing secret, the embedded directory as the editable
// resolver "local" in the default realm "local", and the quick start's
// admin group as privacyIDEA admins. It shows nothing in
// initial-credentials.json: the admin logs in at POST /auth with the
// account the quick start created.
func (c *Config) Bootstrap(b *dialect.Bootstrap) (any, error) {
	if c.Secret == "" {
		c.Secret = b.Secret(32)
	}
	if len(c.Resolvers) == 0 {
		c.Resolvers = map[string]ResolverConfig{quickStartName: {Editable: true}}
	}
	if len(c.Realms) == 0 {
		c.Realms = map[string]RealmConfig{quickStartName: {Resolvers: []string{quickStartName}}}
		if c.DefaultRealm == "" {
			c.DefaultRealm = quickStartName
		}
	}
	if len(c.Admins.DNs) == 0 && len(c.Admins.Users) == 0 && len(c.Admins.Groups) == 0 && len(c.Admins.Realms) == 0 && b.AdminGroup != "" {
		c.Admins.Groups = []string{b.AdminGroup}
	}
	return nil, nil
}
