// Package artica tests the Artica OpenLDAP REST dialect end to end: the
// built dirgate binary on a real slapd, driven by the seed's curl examples
// over the unix socket, and the TCP listener's key and allow-list.
package artica

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
