// Package injection_test sends an injection corpus through every
// parameter of every dialect that reaches the directory, against the
// built binary on a real slapd (test/e2e/hostile's stack): filter and DN
// metacharacters, NUL, overlong values, invalid UTF-8, JSON values of the
// wrong type and duplicate keys. Nothing may match or change beyond the
// literal value: the directory is read over LDAP before and after, each
// entry a value created is checked to hold exactly that value, and every
// answer is the dialect's own envelope, never a 5xx, a stack or a hang.
package injection_test

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
