// Package faults proves what a client of the built dirgate binary sees
// when things fail under a write load: slapd killed and restarted, slapd
// hung, one of two replicating providers stopped, dirgate itself stopped
// with SIGTERM, and the embedded backend killed with SIGKILL. Every such
// test drives the Kanboard dialect with eight concurrent clients, checks
// every write dirgate acknowledged against the directory afterwards, and
// logs its figures (docs/deployment.md, "Failure behaviour", quotes them).
// One more checks each of the five dialects' own answer to an outage.
package faults

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
