// Package wire tests the built dirgate binary for what every answer and
// every output stream must respect whatever the dialect: the hardening
// headers, no-store on answers that carry a secret, lone surrogate escapes
// refused, bounded batches and answers, the quick start's secrets kept off
// stdout (the audit stream), one "dialect" key per log line, and the
// Artica socket's mode.
package wire

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
