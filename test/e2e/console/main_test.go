// Package console tests the web console and the API reference pages of
// the built binary in a real browser: Debian's chromium, driven by
// chromedp. It skips only where chromium is absent, and fails instead
// under CI=true.
package console

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
