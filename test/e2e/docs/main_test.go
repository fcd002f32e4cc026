// Package docs runs the shell examples of README.md and the dialect pages
// (docs/dialects/*.md) against a quick start, as a newcomer would type
// them, so the documentation cannot drift from what dirgate does.
package docs

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
