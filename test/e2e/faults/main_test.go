// Package faults proves what a client of the built dirgate binary sees
// when things fail under a write load: slapd killed and restarted, one of
// two replicating providers stopped, dirgate itself stopped with SIGTERM,
// and the embedded backend killed with SIGKILL. Every test drives the
// Kanboard dialect with several concurrent clients, checks every write
// dirgate acknowledged against the directory afterwards, and logs its
// figures (docs/deployment.md, "Failure behaviour", quotes them).
package faults

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
