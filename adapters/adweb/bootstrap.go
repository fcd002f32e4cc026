package adweb

import "github.com/dirgate/dirgate/internal/dialect"

// Credentials is the quick start's section for this dialect in
// initial-credentials.json: the one time the secret is shown.
type Credentials struct {
	APIKey    string `json:"apiKey"`
	APISecret string `json:"apiSecret"`
}

// Bootstrap generates the quick start's API key, with full access, and
// keeps only its hash in the configuration.
func (c *Config) Bootstrap(_ *dialect.Bootstrap) (any, error) {
	k, secret, err := NewKey("quickstart", false, nil)
	if err != nil {
		return nil, err
	}
	c.Keys = append(c.Keys, k)
	return Credentials{APIKey: k.Key, APISecret: secret}, nil
}
