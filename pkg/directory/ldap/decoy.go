package ldap

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// A logon refused before its own bind — no such user, a disabled or a
// locked account — binds a decoy instead: the same round trip on the bind
// pool, as an entry that does not exist (so nothing is counted against
// any account). The server answers a DN it does not hold sooner than a
// wrong password (no hash to check, no failure to write; with {ARGON2}
// tens of milliseconds sooner), so the logon then waits out the rest of
// what the last wrong passwords took from the start of the logon
// (directory.LogonPace): the user's lookup before costs both the same.

// decoyDN names an entry under base that no one will have made.
func decoyDN(base string) string {
	return "cn=dirgate-logon-decoy-" + rand.Text() + "," + base
}

// userBind binds as dn on c for a logon begun at start and, when the
// server refuses the password, records how long the logon took.
func (d *Directory) userBind(c *conn, start time.Time, dn, password string) (*ldap.SimpleBindResult, error) {
	res, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: dn, Password: password, Controls: d.prof.account.bindControls()})
	if isCode(err, ldap.LDAPResultInvalidCredentials) {
		d.pace.WrongPassword(start)
	}
	return res, err
}

// decoyBind spends on a logon begun at start, that is refused anyway, what
// a wrong password would have cost. Its outcome is ignored.
func (d *Directory) decoyBind(ctx context.Context, start time.Time, password string) {
	if password == "" {
		return // a logon with no password is refused before any bind
	}
	err := d.binds.call(ctx, false, func(c *conn) error {
		_, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: d.decoyDN, Password: password, Controls: d.prof.account.bindControls()})
		if isNetwork(err) {
			return err
		}
		return nil
	})
	if err != nil {
		d.log.Debug("ldap: decoy bind failed", "error", err)
	}
	d.pace.WaitOut(ctx, start)
}
