package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

// credentials are what the load clients present to each dialect.
type credentials struct {
	adwebKey, adwebSecret string
	kanboardToken         string
	privacyIDEASecret     string
	openAPISecret         string
	scimToken             string
	articaSocket          string
}

func newCredentials(dataDir string) credentials {
	return credentials{
		adwebKey: random(36), adwebSecret: random(48),
		kanboardToken:     random(40),
		privacyIDEASecret: random(48),
		openAPISecret:     random(48),
		scimToken:         random(48),
		articaSocket:      filepath.Join(dataDir, "articarest.sock"),
	}
}

// articaOrg is the Artica organization.
const articaOrg = "load"

// resolver and realm of the privacyIDEA dialect.
const (
	piResolver = "people"
	piRealm    = "load"
)

// writeConfig writes dirgate.yaml for the directory srv with all six
// dialects: Artica on its unix socket only, the others on the main
// listener. The log is the production default (info, json): the access
// log line per request is part of what is measured.
func writeConfig(dataDir string, srv *slapd.Server, cr credentials, readModel string) (string, error) {
	sum := sha256.Sum256([]byte(cr.adwebSecret))
	scimSum := sha256.Sum256([]byte(cr.scimToken))
	doc := map[string]any{
		"log":   map[string]any{"level": "info", "format": "json"},
		"audit": map[string]any{"file": filepath.Join(dataDir, "audit.log")},
		"domains": []any{map[string]any{
			"name":   domain,
			"baseDN": suffix,
			// Well above the fixture's numbers, and wide enough for every
			// create of a run.
			"uidRange": map[string]any{"min": 1000000, "max": 9999999},
			"gidRange": map[string]any{"min": 1000000, "max": 9999999},
			"backend": map[string]any{"type": "ldap", "config": map[string]any{
				"urls":             []string{srv.URL},
				"bindDN":           srv.BindDN,
				"bindPassword":     srv.BindPassword,
				"groupModel":       string(srv.Options.Groups),
				"passwordPolicyDN": srv.PolicyDN,
				// slapd hashes cleartext on add (ppolicy_hash_cleartext),
				// the setup schema/openldap/README.md documents: a create with a
				// password is then one add, as the raw add it is compared to.
				"passwordInAdd": true,
				// The memberof overlay keeps memberOf (the fixture holds
				// the values it would have written, since slapadd bypasses
				// it), so nested walks stop at groups that belong to none.
				"attributes": map[string]any{"memberOf": "memberOf"},
				"readModel":  readModel,
			}},
		}},
		"dialects": map[string]any{
			"artica": map[string]any{
				"listeners": []any{map[string]any{"unix": cr.articaSocket, "mode": "0600"}},
				// The organization's containers are the domain's, so every
				// dialect reads the same users.
				"config": map[string]any{"organizations": []string{articaOrg}, "usersDN": peopleDN, "groupsDN": groupsDN},
			},
			"adweb": map[string]any{"config": map[string]any{
				"keys": []any{map[string]any{"name": "load", "key": cr.adwebKey, "secretHash": "sha256:" + hex.EncodeToString(sum[:])}},
			}},
			"privacyidea": map[string]any{"config": map[string]any{
				"secret":       cr.privacyIDEASecret,
				"defaultRealm": piRealm,
				"resolvers":    map[string]any{piResolver: map[string]any{"subtree": peopleDN, "editable": true}},
				"realms":       map[string]any{piRealm: map[string]any{"resolvers": []string{piResolver}}},
				// By DN: the admin check of every request is then a DN
				// comparison, no membership lookup.
				"admins": map[string]any{"dns": []string{"uid=" + adminUser + "," + peopleDN}},
				// One login serves a whole run.
				"tokenLifetime": "4h",
			}},
			"kanboard": map[string]any{"config": map[string]any{"token": cr.kanboardToken}},
			"openapi": map[string]any{"config": map[string]any{
				"jwtSecret":     cr.openAPISecret,
				"tokenLifetime": "4h",
				"adminDNs":      []string{"uid=" + adminUser + "," + peopleDN},
				"adminGroup":    adminGroup,
				"invitations":   map[string]any{"secret": random(48)},
			}},
			"scim": map[string]any{"config": map[string]any{
				"tokens": []any{map[string]any{"name": "load", "tokenHash": "sha256:" + hex.EncodeToString(scimSum[:])}},
			}},
		},
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("dirgate config: %w", err)
	}
	path := filepath.Join(dataDir, "dirgate.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		return "", fmt.Errorf("dirgate config: %w", err)
	}
	return path, nil
}

// random returns n random hex characters.
func random(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
