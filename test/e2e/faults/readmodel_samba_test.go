package faults

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// sambaBound is the bound on Samba's AD DC, where the feed polls
// uSNChanged.
const sambaBound = 2 * time.Second

// TestReadModelReplicasSambaAD is TestReadModelReplicasUnderLoad on
// Samba's AD DC with the 2 s bound: two processes with readModel on,
// writers through A and straight to the DC, readers on both; the same
// checks, visibility held to 2 s at p99.
func TestReadModelReplicasSambaAD(t *testing.T) {
	srv := samba.Start(t)
	base := srv.FreshOU(t, srv.BaseDN)
	counters := srv.Counters(t, base)
	tok := token()
	config := func() string {
		backend := map[string]any{"type": "ldap", "config": map[string]any{
			"urls":            []string{srv.URL},
			"bindDN":          srv.AdminDN,
			"bindPassword":    srv.AdminPassword,
			"profile":         "ad",
			"baseDN":          base,
			"countersDN":      counters,
			"tls":             map[string]any{"caFile": srv.CAFile, "serverName": srv.ServerName},
			"readModel":       "on",
			"readModelMaxLag": sambaBound.String(),
			"dialTimeout":     dialTimeout.String(),
			"requestTimeout":  requestTimeout.String(),
		}}
		doc := map[string]any{
			"log":      map[string]any{"level": "warn"},
			"dialects": map[string]any{"kanboard": map[string]any{"config": map[string]any{"token": tok}}},
			"domains": []any{map[string]any{"name": samba.DNSDomain, "backend": backend,
				"baseDN": base, "usersDN": base, "groupsDN": base}},
		}
		out, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	procs := map[string]*e2eutil.Process{
		"A": e2eutil.Start(t, e2eutil.Options{Config: config()}),
		"B": e2eutil.Start(t, e2eutil.Options{Config: config()}),
	}
	dir := rigDirectory{
		dial:    srv.Dial,
		usersDN: base, nameAttr: "sAMAccountName",
		addUser: func(c *ldap.Conn, name string, n int) (string, error) {
			dn := fmt.Sprintf("CN=%s,%s", name, base)
			add := ldap.NewAddRequest(dn, nil)
			add.Attribute("objectClass", []string{"user"})
			add.Attribute("sAMAccountName", []string{name})
			add.Attribute("uidNumber", []string{strconv.Itoa(910000 + n)})
			return dn, c.Add(add)
		},
	}
	rig := newConsistencyRig(t, dir, sambaBound, tok, procs)
	rig.run(loadFor, nil)
	rig.h.check(rig.bound).report(t, rig.bound, true)
	rig.finalCheck()
}
