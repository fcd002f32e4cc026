package ldap

import (
	"context"
	"crypto/rand"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// A logon refused before its own bind — no such user, a disabled or a
// locked account — must take as long as a wrong password, or its time
// tells what the answer does not. It binds a decoy instead: the same
// round trip on the bind pool, as an entry that does not exist (so nothing
// is counted against any account), then waits out what the server's hash
// check of a real wrong password would still have taken. The server
// answers a DN it does not hold without hashing: with a slow scheme
// ({ARGON2}) a wrong password takes tens of milliseconds more than the
// decoy's answer, and only the wait covers that.

// decoy binds and waits for refused logons.
type decoy struct {
	dn string

	mu sync.Mutex
	// failedBind is a moving average of how long the server took to refuse
	// a user's wrong password; 0 until it has refused one.
	failedBind time.Duration
}

// newDecoy names an entry under base that no one will have made.
func newDecoy(base string) *decoy {
	return &decoy{dn: "cn=dirgate-logon-decoy-" + rand.Text() + "," + base}
}

// failed records how long the server took to refuse a wrong password.
func (dc *decoy) failed(took time.Duration) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.failedBind == 0 {
		dc.failedBind = took
		return
	}
	// An average over the last few, so that one slow answer under load
	// moves it little and a server's new hash cost is learned quickly.
	dc.failedBind += (took - dc.failedBind) / 8
}

func (dc *decoy) typical() time.Duration {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	return dc.failedBind
}

// userBind binds as dn on c and, when the server refuses the password,
// learns how long that took.
func (d *Directory) userBind(c *conn, dn, password string) (*ldap.SimpleBindResult, error) {
	start := time.Now()
	res, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: dn, Password: password, Controls: d.prof.account.bindControls()})
	if isCode(err, ldap.LDAPResultInvalidCredentials) {
		d.decoy.failed(time.Since(start))
	}
	return res, err
}

// decoyBind spends on a logon that is refused anyway what a wrong password
// would have cost (see decoy). Its outcome is ignored.
func (d *Directory) decoyBind(ctx context.Context, password string) {
	if password == "" {
		return // a logon with no password is refused before any bind
	}
	start := time.Now()
	err := d.binds.call(ctx, false, func(c *conn) error {
		_, err := c.SimpleBind(&ldap.SimpleBindRequest{Username: d.decoy.dn, Password: password, Controls: d.prof.account.bindControls()})
		if isNetwork(err) {
			return err
		}
		return nil
	})
	if err != nil {
		d.log.Debug("ldap: decoy bind failed", "error", err)
	}
	wait := time.NewTimer(d.decoy.typical() - time.Since(start))
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-ctx.Done():
	}
}
