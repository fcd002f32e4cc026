// Package logons_test attacks the logons of the built dirgate binary as
// an outsider would: a flood of bogus logins must not take the machine
// (bounded password hashing), and a logon must not tell, by its answer or
// its time, whether the account exists, is disabled or is locked — on the
// embedded backend of the quick start and on a private slapd.
package logons_test

import (
	"os"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) {
	if orders := os.Getenv(attackerEnv); orders != "" {
		os.Exit(runAttacker(orders))
	}
	e2eutil.Main(m)
}
