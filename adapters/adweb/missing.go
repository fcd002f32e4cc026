package adweb

import (
	"errors"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

func isNotFound(err error) bool { return errors.Is(err, directory.ErrNotFound) }

// whichMissing tells, after a not-found from an operation on a user and a
// target container, which of the two is missing: the directory's
// not-found does not say.
func (r *request) whichMissing(dom *identity.Domain, err error, userDN, ouDN string) error {
	if _, uerr := dom.GetUser(r.ctx, r.caller, directory.ByDN(userDN)); uerr != nil {
		return fromCore(uerr, subjectUser, userDN)
	}
	if ouDN == "" {
		return fromCore(err, subjectUser, userDN)
	}
	return fromCore(err, subjectOU, ouDN)
}
