package ldap

import (
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// missingAfterAdd maps the failure of a step that follows the successful
// add of dn (setting the new user's password, reading the entry back).
// "Not found" there cannot be the caller's doing: the step went to
// another server (the one that took the add went away, a failover) that
// has not received the entry yet. It is the directory failing, so
// ErrUnavailable, not a "no such user" that dialects would turn into a
// 404 or a validation failure of the create.
func missingAfterAdd(err error, dn string) error {
	if errors.Is(err, directory.ErrNotFound) {
		return fmt.Errorf("%w: %s was added, then not found on the server that answered next (failover, replication behind): %v",
			directory.ErrUnavailable, dn, err)
	}
	return err
}
