// Package serve tests the built dirgate binary end to end: the quick
// start, health, readiness, metrics, configuration errors and shutdown.
package serve

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
