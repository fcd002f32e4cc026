package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// secretSuffixes name the keys that hold secrets, wherever they are:
// bindPassword, jwtSecret, previousJwtSecrets, token, secretHash...
// (tokenLifetime and bindPasswordFile are not secrets: they end otherwise).
var secretSuffixes = []string{"password", "secret", "secrets", "token", "secrethash"}

// IsSecretKey reports whether a key (its last segment, any case) holds a
// secret: `config print` masks it, the example's placeholder is refused
// there, and DIRGATE_<KEY>_FILE may give it.
func IsSecretKey(name string) bool {
	name = strings.ToLower(name)
	for _, s := range secretSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// envKeyReplacer turns a key path into its environment variable's name
// (after DIRGATE_, upper-cased), as viper does.
var envKeyReplacer = strings.NewReplacer(keyDelim, "_", ".", "_", "-", "_")

// envName is the environment variable of a viper key path.
func envName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(envKeyReplacer.Replace(key))
}

// secretFiles gives every secret key viper knows the content of the file
// named by DIRGATE_<KEY>_FILE, the convention of Docker and Kubernetes
// secrets: the secret never sits in the environment or the configuration.
// One trailing newline (which editors and `echo` add) is dropped.
func secretFiles(v *viper.Viper) error {
	var errs []error
	for _, key := range v.AllKeys() {
		segments := strings.Split(key, keyDelim)
		if !IsSecretKey(segments[len(segments)-1]) {
			continue
		}
		env := envName(key)
		path, ok := os.LookupEnv(env + "_FILE")
		if !ok {
			continue
		}
		if _, both := os.LookupEnv(env); both {
			errs = append(errs, fmt.Errorf("%s and %s_FILE are both set: give one", env, env))
			continue
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s_FILE: %w", env, err))
			continue
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(raw), "\n"), "\r")
		if s == "" {
			errs = append(errs, fmt.Errorf("%s_FILE: %s is empty", env, path))
			continue
		}
		v.Set(key, s)
	}
	return errors.Join(errs...)
}

// placeholder starts every secret of config/dirgate.example.yaml.
const placeholder = "change-me"

// validateSecrets refuses the example's placeholder secrets: a copied
// example must not serve with keys that every reader of it knows.
func (c *Config) validateSecrets(ps *problems) {
	root, err := encode(reflect.ValueOf(c))
	if err != nil {
		return // what failed to encode failed to decode, and is reported
	}
	eachSecret(root, "", func(path string, v *yaml.Node) {
		if strings.HasPrefix(strings.ToLower(v.Value), placeholder) {
			ps.addf(path, "still holds the example's placeholder: put a secret of your own here "+
				"(e.g. `openssl rand -base64 48`), or give it from a file (docs/configuration.md, Secrets)")
		}
	})
}

// eachSecret calls fn with the path and node of every non-empty secret
// value in an encoded configuration.
func eachSecret(n *yaml.Node, path string, fn func(string, *yaml.Node)) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i].Value, n.Content[i+1]
			p := join(path, key)
			if !IsSecretKey(key) {
				eachSecret(val, p, fn)
				continue
			}
			switch val.Kind {
			case yaml.ScalarNode:
				if val.Value != "" && val.Tag != "!!null" {
					fn(p, val)
				}
			case yaml.SequenceNode:
				for j, e := range val.Content {
					if e.Kind == yaml.ScalarNode && e.Value != "" {
						fn(fmt.Sprintf("%s[%d]", p, j), e)
					}
				}
			}
		}
	case yaml.SequenceNode:
		for i, e := range n.Content {
			eachSecret(e, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

// Masked is what `config print` shows instead of a secret.
const Masked = "********"

// MarshalMasked renders the configuration as Marshal does, every secret
// replaced by Masked: the effective configuration, safe to paste.
func MarshalMasked(c *Config) ([]byte, error) {
	return marshal(c, "", func(root *yaml.Node) {
		eachSecret(root, "", func(_ string, v *yaml.Node) {
			v.Value, v.Tag, v.Style = Masked, "!!str", yaml.DoubleQuotedStyle
		})
	})
}
