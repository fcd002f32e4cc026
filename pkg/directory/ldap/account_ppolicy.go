package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// ppolicy keeps account state in the OpenLDAP ppolicy overlay's
// operational attributes, so that slapd itself counts failed binds and
// locks accounts, and every replica and dirgate instance agrees:
//
//	disabled      pwdAccountLockedTime: 000001010000Z (ppolicy's "locked
//	              until an administrator unlocks")
//	locked        any other pwdAccountLockedTime, while the policy's
//	              pwdLockoutDuration has not passed
//	must change   pwdReset: TRUE
type ppolicy struct {
	lockedTime  string
	failureTime string
	reset       string
	endTime     string
	policyDN    string

	mu       sync.RWMutex
	maxFail  int
	duration time.Duration
}

// disabledMark is the pwdAccountLockedTime value ppolicy reads as
// "permanently locked": dirgate's disabled.
const disabledMark = "000001010000Z"

// guardEndTime is the pwdEndTime ("the password is disabled from then
// on") dirgate writes while it sets the password of a disabled or locked
// account: ppolicy clears pwdAccountLockedTime on any password set, even
// one that writes the lock back in the same operation, but leaves
// pwdEndTime alone. The guard keeps binds refused until the lock is back;
// should dirgate or the server fail in between, the account stays shut
// and reads as disabled.
const guardEndTime = "19700101000000Z"

// relaxControl (draft-zeilenga-ldap-relax) lets an authorized client
// change attributes slapd otherwise refuses to let clients touch, here
// pwdFailureTime.
const relaxControl = "1.3.6.1.4.1.4203.666.5.12"

// generalizedTime is the form filters and writes use.
const generalizedTime = "20060102150405Z"

func newPPolicy() *ppolicy {
	return &ppolicy{lockedTime: "pwdAccountLockedTime", failureTime: "pwdFailureTime", reset: "pwdReset", endTime: "pwdEndTime"}
}

func (p *ppolicy) attributes() []string {
	return []string{p.lockedTime, p.failureTime, p.reset, p.endTime}
}

// guarded reports whether e carries the guard of an interrupted password
// set.
func (p *ppolicy) guarded(e *ldap.Entry) bool {
	return e.GetEqualFoldAttributeValue(p.endTime) == guardEndTime
}

// load reads pwdMaxFailure and pwdLockoutDuration from the default policy
// entry. A missing entry means no lockout (threshold 0), which is what
// slapd does without a policy too.
func (p *ppolicy) load(ctx context.Context, d hookHost) error {
	if p.policyDN == "" {
		return nil
	}
	e, err := d.readEntry(ctx, p.policyDN, "(objectClass=*)", []string{"pwdMaxFailure", "pwdLockout", "pwdLockoutDuration"})
	if err != nil {
		if isNotFound(err) {
			d.logger().Warn("ldap: no password policy entry: accounts are not locked after failed logons", "dn", p.policyDN)
			return nil
		}
		return err
	}
	maxFail, _ := strconv.Atoi(e.GetEqualFoldAttributeValue("pwdMaxFailure"))
	if !strings.EqualFold(e.GetEqualFoldAttributeValue("pwdLockout"), "TRUE") {
		maxFail = 0
	}
	secs, _ := strconv.Atoi(e.GetEqualFoldAttributeValue("pwdLockoutDuration"))
	p.mu.Lock()
	p.maxFail, p.duration = maxFail, time.Duration(secs)*time.Second
	p.mu.Unlock()
	return nil
}

func (p *ppolicy) threshold() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.maxFail
}

func (p *ppolicy) lockDuration() time.Duration {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.duration
}

func (p *ppolicy) state(e *ldap.Entry, u *directory.User, now time.Time) {
	p.stateOf(e.GetEqualFoldAttributeValue(p.lockedTime), e.GetEqualFoldAttributeValue(p.endTime),
		e.GetEqualFoldAttributeValue(p.reset), len(e.GetEqualFoldAttributeValues(p.failureTime)) > 0, u, now)
}

// stateView is state on an indexed entry; slots are those of attributes(),
// in its order.
func (p *ppolicy) stateView(v *entryView, slots []int, u *directory.User, now time.Time) {
	p.stateOf(v.first(slots[0]), v.first(slots[3]), v.first(slots[2]), len(v.vals(slots[1])) > 0, u, now)
}

// stateOf is state given the first pwdAccountLockedTime, pwdEndTime and
// pwdReset values and whether pwdFailureTime has any.
func (p *ppolicy) stateOf(lt, end, reset string, failures bool, u *directory.User, now time.Time) {
	u.Enabled = lt != disabledMark && end != guardEndTime
	u.MustChangePassword = strings.EqualFold(reset, "TRUE")
	u.Lock = directory.LockState{}
	if lt == "" || lt == disabledMark {
		return
	}
	since, err := ber.ParseGeneralizedTime([]byte(lt))
	if err != nil {
		// A value slapd wrote but we cannot read still locks the account.
		u.Lock = directory.LockState{Locked: true, Reason: directory.LockManual}
		return
	}
	lock := directory.LockState{Locked: true, Since: since, Reason: directory.LockManual}
	if failures {
		lock.Reason = directory.LockTooManyFailures
	}
	if d := p.lockDuration(); d > 0 {
		lock.Until = since.Add(d)
		if !now.Before(lock.Until) {
			return // expired: slapd lets the next good bind in
		}
	}
	u.Lock = lock
}

func (p *ppolicy) create(nu directory.NewUser) []ldap.Attribute {
	var attrs []ldap.Attribute
	if nu.Disabled {
		attrs = append(attrs, ldap.Attribute{Type: p.lockedTime, Vals: []string{disabledMark}})
	}
	if nu.MustChangePassword {
		attrs = append(attrs, ldap.Attribute{Type: p.reset, Vals: []string{"TRUE"}})
	}
	return attrs
}

func (p *ppolicy) setEnabled(e *ldap.Entry, enabled bool) []ldap.Change {
	lt := e.GetEqualFoldAttributeValue(p.lockedTime)
	switch {
	case enabled && p.guarded(e):
		return []ldap.Change{replace(p.lockedTime), replace(p.endTime)}
	case enabled && lt == disabledMark:
		return []ldap.Change{replace(p.lockedTime)}
	case !enabled && lt != disabledMark:
		// A temporary lock is overwritten: one attribute holds both.
		return []ldap.Change{replace(p.lockedTime, disabledMark)}
	}
	return nil
}

func (p *ppolicy) unlock(e *ldap.Entry) [][]ldap.Change {
	var lock []ldap.Change
	if lt := e.GetEqualFoldAttributeValue(p.lockedTime); lt != "" && lt != disabledMark {
		lock = append(lock, replace(p.lockedTime))
	}
	full := append([]ldap.Change{replace(p.failureTime)}, lock...)
	return [][]ldap.Change{full, lock}
}

func (p *ppolicy) unlockControls() []ldap.Control {
	return []ldap.Control{ldap.NewControlString(relaxControl, true, "")}
}

func (p *ppolicy) setMustChange(_ *ldap.Entry, must bool) []ldap.Change {
	if must {
		return []ldap.Change{replace(p.reset, "TRUE")}
	}
	return []ldap.Change{replace(p.reset)}
}

// beforePasswordSet guards a disabled or locked account while its
// password is set (see guardEndTime); an open account needs no guard.
func (p *ppolicy) beforePasswordSet(before *ldap.Entry) []ldap.Change {
	if before.GetEqualFoldAttributeValue(p.lockedTime) == "" && !p.guarded(before) {
		return nil
	}
	return []ldap.Change{replace(p.endTime, guardEndTime)}
}

func (p *ppolicy) liftGuard() []ldap.Change { return []ldap.Change{replace(p.endTime)} }

// afterPasswordSet: slapd's ppolicy clears pwdAccountLockedTime and
// pwdReset when an administrator sets a password. A disabled or locked
// account must stay so: the old lock goes back and the guard goes, in one
// operation; must-change is set as asked.
func (p *ppolicy) afterPasswordSet(before *ldap.Entry, mustChange bool) []ldap.Change {
	changes := p.setMustChange(before, mustChange)
	if lt := before.GetEqualFoldAttributeValue(p.lockedTime); lt != "" {
		changes = append(changes, replace(p.lockedTime, lt))
	}
	if len(p.beforePasswordSet(before)) > 0 {
		changes = append(changes, replace(p.endTime))
	}
	return changes
}

func (p *ppolicy) filter(f directory.Field, v bool, now time.Time) (string, bool) {
	var pos string
	switch f {
	case directory.FieldEnabled:
		pos = fmt.Sprintf("(&(!(%s=%s))(!(%s=%s)))", p.lockedTime, disabledMark, p.endTime, guardEndTime)
	case directory.FieldLocked:
		if d := p.lockDuration(); d > 0 {
			// The disabled mark lies before any such time: excluded too.
			pos = fmt.Sprintf("(%s>=%s)", p.lockedTime, now.Add(-d).UTC().Format(generalizedTime))
		} else {
			pos = fmt.Sprintf("(&(%s=*)(!(%s=%s)))", p.lockedTime, p.lockedTime, disabledMark)
		}
	case directory.FieldMustChange:
		pos = fmt.Sprintf("(%s=TRUE)", p.reset)
	default:
		return "", false
	}
	if v {
		return pos, true
	}
	return "(!" + pos + ")", true
}

func (p *ppolicy) bindControls() []ldap.Control {
	return []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}
}

// verify: a refused bind is a locked account when the server says so
// (ppolicy_use_lockout) or the account was locked before this attempt;
// otherwise the password was wrong. The bind that reaches the threshold
// is still "wrong password": the lock applies from the next one.
func (p *ppolicy) verify(u *directory.User, bindErr error, resp []ldap.Control) error {
	if bindErr == nil {
		return nil
	}
	if !isCode(bindErr, ldap.LDAPResultInvalidCredentials) {
		return wrap(bindErr, "bind as "+u.DN)
	}
	if c, ok := ldap.FindControl(resp, ldap.ControlTypeBeheraPasswordPolicy).(*ldap.ControlBeheraPasswordPolicy); ok &&
		c.Error == 1 { // accountLocked
		if !u.Enabled {
			return fmt.Errorf("%w: %s", directory.ErrAccountDisabled, u.DN)
		}
		return fmt.Errorf("%w: %s (the server reports the account locked)", directory.ErrAccountLocked, u.DN)
	}
	if u.Lock.Locked {
		return fmt.Errorf("%w: %s", directory.ErrAccountLocked, u.DN)
	}
	return wrapAs(directory.ErrInvalidCredentials, bindErr, "bind as "+u.DN)
}

// replace builds a replace change; no values removes the attribute and is
// not an error when it is absent.
func replace(attr string, vals ...string) ldap.Change {
	if vals == nil {
		vals = []string{}
	}
	return ldap.Change{Operation: ldap.ReplaceAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: vals}}
}
