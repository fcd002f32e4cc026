package ldap

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// adAccount keeps account state where Active Directory does, so that the
// domain controllers count failed logons and lock accounts themselves:
//
//	disabled      userAccountControl bit ACCOUNTDISABLE (0x2); every
//	              other bit is kept as it is
//	locked        lockoutTime (a FILETIME) non-zero and younger than the
//	              domain's lockoutDuration; unlock writes 0
//	must change   pwdLastSet 0 (-1 writes "now": changed, nothing owed),
//	              unless the password never expires (DONT_EXPIRE_PASSWORD),
//	              where AD ignores it
type adAccount struct {
	mu       sync.RWMutex
	maxFail  int
	duration time.Duration // 0: until an administrator unlocks
}

// userAccountControl bits dirgate reads or writes.
const (
	uacDisabled      = 0x2
	uacNormalAccount = 0x200
	// uacDontExpire: the password never expires, and AD then ignores
	// pwdLastSet 0 (it never forces a change).
	uacDontExpire = 0x10000
)

const (
	attrUAC         = "userAccountControl"
	attrLockoutTime = "lockoutTime"
	attrPwdLastSet  = "pwdLastSet"
	// bitAnd is LDAP_MATCHING_RULE_BIT_AND: (attr:bitAnd:=n) matches when
	// every bit of n is set.
	bitAnd = "1.2.840.113556.1.4.803"
)

func newADAccount() *adAccount { return &adAccount{} }

func (a *adAccount) attributes() []string {
	return []string{attrUAC, attrLockoutTime, attrPwdLastSet}
}

// load reads the domain's lockout policy from the domain object
// (lockoutThreshold, lockoutDuration). Fine-grained password policies
// (PSOs) may give some users another threshold; the domain's is the one
// reported.
func (a *adAccount) load(ctx context.Context, d hookHost) error {
	dom, err := d.domainDN(ctx)
	if err != nil {
		return err
	}
	e, err := d.readEntry(ctx, dom, "(objectClass=*)", []string{"lockoutThreshold", "lockoutDuration"})
	if err != nil {
		return err
	}
	maxFail, _ := strconv.Atoi(e.GetEqualFoldAttributeValue("lockoutThreshold"))
	dur, _ := strconv.ParseInt(e.GetEqualFoldAttributeValue("lockoutDuration"), 10, 64)
	a.mu.Lock()
	a.maxFail, a.duration = maxFail, adInterval(dur)
	a.mu.Unlock()
	return nil
}

// adInterval converts an AD interval (negative, in 100 ns units) to a
// duration; the smallest int64 means "forever", returned as 0.
func adInterval(v int64) time.Duration {
	if v == math.MinInt64 || v == 0 {
		return 0
	}
	if v < 0 {
		v = -v
	}
	return time.Duration(v) * 100
}

func (a *adAccount) threshold() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.maxFail
}

func (a *adAccount) lockDuration() time.Duration {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.duration
}

// FILETIME: 100 ns intervals since 1601-01-01 UTC.
const filetimeToUnix = 116444736000000000

func fromFiletime(v int64) time.Time {
	return time.Unix(0, (v-filetimeToUnix)*100).UTC()
}

func toFiletime(t time.Time) int64 { return t.UnixNano()/100 + filetimeToUnix }

func uac(e *ldap.Entry) int64 {
	v, err := strconv.ParseInt(e.GetEqualFoldAttributeValue(attrUAC), 10, 64)
	if err != nil {
		return uacNormalAccount
	}
	return v
}

func (a *adAccount) state(e *ldap.Entry, u *directory.User, now time.Time) {
	flags := uac(e)
	u.Enabled = flags&uacDisabled == 0
	u.MustChangePassword = e.GetEqualFoldAttributeValue(attrPwdLastSet) == "0" && flags&uacDontExpire == 0
	u.Lock = directory.LockState{}
	lt, _ := strconv.ParseInt(e.GetEqualFoldAttributeValue(attrLockoutTime), 10, 64)
	if lt <= 0 {
		return
	}
	// AD locks only after failed logons: there is no manual lock.
	lock := directory.LockState{Locked: true, Reason: directory.LockTooManyFailures, Since: fromFiletime(lt)}
	if d := a.lockDuration(); d > 0 {
		lock.Until = lock.Since.Add(d)
		if !now.Before(lock.Until) {
			return // expired: lockoutTime stays until the next logon, the lock does not
		}
	}
	u.Lock = lock
}

func (a *adAccount) create(nu directory.NewUser) []ldap.Attribute {
	flags := int64(uacNormalAccount)
	if nu.Disabled {
		flags |= uacDisabled
	}
	attrs := []ldap.Attribute{{Type: attrUAC, Vals: []string{strconv.FormatInt(flags, 10)}}}
	if nu.MustChangePassword {
		attrs = append(attrs, ldap.Attribute{Type: attrPwdLastSet, Vals: []string{"0"}})
	}
	return attrs
}

// setEnabled flips ACCOUNTDISABLE alone, keeping every other bit
// (password never expires, smart card required, delegation ...).
func (a *adAccount) setEnabled(e *ldap.Entry, enabled bool) []ldap.Change {
	old := uac(e)
	v := old | uacDisabled
	if enabled {
		v = old &^ uacDisabled
	}
	if v == old {
		return nil
	}
	return []ldap.Change{replace(attrUAC, strconv.FormatInt(v, 10))}
}

// unlock writes lockoutTime 0, which also resets badPwdCount.
func (a *adAccount) unlock(e *ldap.Entry) [][]ldap.Change {
	if lt, _ := strconv.ParseInt(e.GetEqualFoldAttributeValue(attrLockoutTime), 10, 64); lt == 0 {
		return nil
	}
	return [][]ldap.Change{{replace(attrLockoutTime, "0")}}
}

func (a *adAccount) unlockControls() []ldap.Control { return nil }

func (a *adAccount) setMustChange(_ *ldap.Entry, must bool) []ldap.Change {
	if must {
		return []ldap.Change{replace(attrPwdLastSet, "0")}
	}
	return []ldap.Change{replace(attrPwdLastSet, "-1")}
}

// afterPasswordSet: an administrator's reset sets pwdLastSet to now and
// leaves the disabled bit and a lock alone, so only must-change is left
// to write.
func (a *adAccount) afterPasswordSet(before *ldap.Entry, mustChange bool) []ldap.Change {
	if mustChange {
		return a.setMustChange(before, true)
	}
	return nil
}

func (a *adAccount) filter(f directory.Field, v bool, now time.Time) (string, bool) {
	var pos string
	switch f {
	case directory.FieldEnabled:
		pos = fmt.Sprintf("(!(%s:%s:=%d))", attrUAC, bitAnd, uacDisabled)
	case directory.FieldLocked:
		from := int64(1)
		if d := a.lockDuration(); d > 0 {
			from = toFiletime(now.Add(-d))
		}
		pos = fmt.Sprintf("(%s>=%d)", attrLockoutTime, from)
	case directory.FieldMustChange:
		pos = fmt.Sprintf("(&(%s=0)(!(%s:%s:=%d)))", attrPwdLastSet, attrUAC, bitAnd, uacDontExpire)
	default:
		return "", false
	}
	if v {
		return pos, true
	}
	return "(!" + pos + ")", true
}

func (a *adAccount) bindControls() []ldap.Control { return nil }

// bindData finds the Win32 error of a refused bind in AD's diagnostic
// ("80090308: LdapErr: DSID-0C09030B, comment: AcceptSecurityContext
// error, data 52e, v893").
var bindData = regexp.MustCompile(`(?i)\bdata ([0-9a-f]+)\b`)

// Win32 errors of a refused bind.
const (
	bindNoSuchUser      = "525"
	bindWrongPassword   = "52e"
	bindRestricted      = "52f" // an account restriction, e.g. a blank password
	bindLogonHours      = "530"
	bindWorkstation     = "531"
	bindPasswordExpired = "532"
	bindDisabled        = "533"
	bindAccountExpired  = "701"
	bindMustChange      = "773"
	bindLocked          = "775"
)

// verify reads AD's reason for a refused bind. An expired password or one
// that must be changed was right: the user is returned, with
// MustChangePassword set, and decides what to do.
func (a *adAccount) verify(u *directory.User, bindErr error, _ []ldap.Control) error {
	if bindErr == nil {
		return nil
	}
	if isCode(bindErr, ldap.LDAPResultStrongAuthRequired, ldap.LDAPResultConfidentialityRequired) {
		return wrapAs(directory.ErrPasswordTransport, bindErr,
			"binding as "+u.DN+": the domain controller accepts simple binds only over LDAPS or StartTLS")
	}
	if !isCode(bindErr, ldap.LDAPResultInvalidCredentials) {
		return wrap(bindErr, "bind as "+u.DN)
	}
	var data string
	if m := bindData.FindStringSubmatch(bindErr.Error()); m != nil {
		data = m[1]
	}
	switch data {
	case bindMustChange, bindPasswordExpired:
		u.MustChangePassword = true
		return nil
	case bindDisabled:
		return fmt.Errorf("%w: %s", directory.ErrAccountDisabled, u.DN)
	case bindAccountExpired:
		return fmt.Errorf("%w: %s: the account has expired (accountExpires)", directory.ErrAccountDisabled, u.DN)
	case bindLogonHours, bindWorkstation:
		return fmt.Errorf("%w: %s: logons are restricted at this time or from this computer", directory.ErrAccountDisabled, u.DN)
	case bindLocked:
		return fmt.Errorf("%w: %s (the domain controller reports the account locked)", directory.ErrAccountLocked, u.DN)
	case bindWrongPassword, bindNoSuchUser, bindRestricted:
	}
	// A wrong login, or a reason this code does not know.
	if u.Lock.Locked {
		return fmt.Errorf("%w: %s", directory.ErrAccountLocked, u.DN)
	}
	return wrapAs(directory.ErrInvalidCredentials, bindErr, "bind as "+u.DN)
}
