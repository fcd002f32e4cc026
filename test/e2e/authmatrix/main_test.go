// Package authmatrix_test holds every endpoint of every dialect of the
// built binary to its authentication and authorization: without
// credentials, with wrong ones, with another user's, with a read-only key
// writing and with an expired token, each is refused in the dialect's own
// envelope and nothing changes in the directory. The routes come from the
// server's own router (and the dialects' lists of self-dispatched
// endpoints), so an endpoint added without a matrix entry fails the test.
package authmatrix_test

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }
