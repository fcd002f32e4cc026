package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// logonFailure turns every reason a password check failed that would tell
// a caller something about the account — it does not exist, it is
// disabled, it is locked — into the ErrInvalidCredentials of a wrong
// password, keeping the reason's text for the logs. The backends spend the
// same work on each (a decoy hash or bind), so neither the answer nor its
// time tells them apart. A correct password on a disabled or locked
// account is refused the same way: the backends cannot always tell a
// right password from a wrong one there (LDAP refuses the bind before
// checking it), and none of the dialects' originals says more.
func logonFailure(err error) error {
	switch Kind(err) {
	case KindInvalidCredentials, KindNotFound, KindAccountDisabled, KindAccountLocked:
		// %v, not %w: only ErrInvalidCredentials may answer errors.Is.
		return fmt.Errorf("%w: %v", directory.ErrInvalidCredentials, err)
	}
	return err
}

// RefuseLogon answers a logon or a password change of username that the
// adapter's own lookup did not find (privacyIDEA's resolvers, OpenAPI's
// POST /password/change) as Authenticate answers a wrong password: the
// throttle counts it against that name and the client's address, and the
// directory checks password against an id no entry has, which costs what
// a wrong password costs, in a turn of the same hashing bound. It returns
// ErrInvalidCredentials — so the answer comes neither sooner, nor in other
// words, nor throttled differently than for a user who exists. A
// throttled client or a full bound is ErrTooManyRequests, a directory that
// does not answer its own error, as for any logon.
func (d *Domain) RefuseLogon(ctx context.Context, c Caller, username, password string) error {
	if password == "" {
		// Authenticate refuses an empty password before any work too.
		return directory.ErrInvalidCredentials
	}
	if d.throttle != nil {
		// The adapters' logons of users who exist name them by id, which
		// the throttle reads to learn the name: the same read here.
		_, _ = d.dir.GetUser(ctx, directory.ByID(d.nobody))
	}
	check, err := d.beginNamedCheck(c, username)
	if err != nil {
		return err
	}
	err = d.hashing(ctx, func() error {
		_, err := d.dir.VerifyPassword(ctx, directory.ByID(d.nobody), password)
		return err
	})
	if err == nil || isClientError(err) && !errors.Is(err, ErrTooManyRequests) {
		err = fmt.Errorf("%w: no such user", directory.ErrInvalidCredentials)
	}
	endPasswordCheck(check, err)
	if errors.Is(err, directory.ErrInvalidCredentials) {
		return err
	}
	return d.finish(c, OpPasswordVerify, "", err)
}
