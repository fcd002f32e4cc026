package ldap

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// unicodePwd sets passwords the way AD takes them: the password in double
// quotes, UTF-16LE, written to unicodePwd. AD accepts that only over an
// encrypted connection; dirgate checks before sending, so a password never
// crosses the network in clear. An administrator replaces the value (a
// reset: no old password, the domain's complexity and length rules
// apply); a user's own change deletes the old value and adds the new one
// in one modify, which AD treats as a change: it checks the old password,
// counts a wrong one as a failed logon, and applies history and minimum
// age too.
type unicodePwd struct{}

const attrUnicodePwd = "unicodePwd"

// encodePassword renders a password as unicodePwd's value.
func encodePassword(p string) string {
	units := utf16.Encode([]rune(`"` + p + `"`))
	b := make([]byte, 2*len(units))
	for i, u := range units {
		b[2*i], b[2*i+1] = byte(u), byte(u>>8)
	}
	return string(b)
}

// errNoTLS is what a password write on a plaintext connection returns.
func errNoTLS(c *conn) error {
	return fmt.Errorf("%w: Active Directory takes passwords only over LDAPS or StartTLS, and %s is a plaintext connection: use an ldaps:// URL or tls.startTLS",
		directory.ErrPasswordTransport, c.url)
}

func (unicodePwd) set(c *conn, dn, password string) error {
	if !c.tls {
		return errNoTLS(c)
	}
	err := c.Modify(&ldap.ModifyRequest{DN: dn, Changes: []ldap.Change{replace(attrUnicodePwd, encodePassword(password))}})
	return adPasswordError(err, "setting the password of "+dn)
}

func (unicodePwd) change(c *conn, dn, oldPassword, newPassword string) error {
	if !c.tls {
		return errNoTLS(c)
	}
	err := c.Modify(&ldap.ModifyRequest{DN: dn, Changes: []ldap.Change{
		{Operation: ldap.DeleteAttribute, Modification: ldap.PartialAttribute{Type: attrUnicodePwd, Vals: []string{encodePassword(oldPassword)}}},
		{Operation: ldap.AddAttribute, Modification: ldap.PartialAttribute{Type: attrUnicodePwd, Vals: []string{encodePassword(newPassword)}}},
	}})
	return adPasswordError(err, "changing the password of "+dn)
}

// passwordOnAdd is a passwordSetter that puts a new user's password into
// the add itself, so that a create either happens with its password or
// not at all.
type passwordOnAdd interface {
	// onAdd returns the attribute carrying password in an add on c.
	onAdd(c *conn, password string) (ldap.Attribute, error)
}

// onAdd: every new AD user gets a password in its add. Without one AD
// would refuse an enabled account (or keep it enabled with an empty
// password, given PASSWD_NOTREQD); a user created without a password gets
// a random one nobody knows, so it cannot log on until a password is set.
func (unicodePwd) onAdd(c *conn, password string) (ldap.Attribute, error) {
	if !c.tls {
		return ldap.Attribute{}, fmt.Errorf("%w (creating a user sets its password: a random one when none is given)", errNoTLS(c))
	}
	if password == "" {
		password = unknownPassword()
	}
	return ldap.Attribute{Type: attrUnicodePwd, Vals: []string{encodePassword(password)}}, nil
}

// unknownPassword returns a random password meeting AD's complexity rules
// (all four character classes, 36 characters).
func unknownPassword() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on Linux (Go 1.24+)
	}
	return "Dg7!" + base64.RawURLEncoding.EncodeToString(b)
}

// AD's reasons for refusing a password, in the diagnostic's first word
// (a Win32 error).
const (
	adPasswordPolicy = "0000052D" // ERROR_PASSWORD_RESTRICTION: length, complexity, history, age
	adWrongOld       = "00000056" // ERROR_INVALID_PASSWORD: the old password is wrong
	adNeedsTLS       = "0000001F" // unicodePwd on a plaintext connection
)

// adDiag reports whether err is an LDAP result whose diagnostic starts
// with AD's Win32 error code.
func adDiag(err error, code string) bool {
	var le *ldap.Error
	if !errors.As(err, &le) || le.Err == nil {
		return false
	}
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(le.Err.Error())), code)
}

// adPasswordError turns AD's refusals of a password into the port's
// sentinels with a readable reason; the LDAP diagnostic stays in the text
// for logs. Other errors are returned as they are (the pool must still
// see a broken connection).
func adPasswordError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case adDiag(err, adPasswordPolicy):
		return fmt.Errorf("%w: %s: Active Directory refused the password: it does not meet the domain's password policy "+
			"(minimum length, complexity, history or minimum age) (%v)", directory.ErrPasswordPolicy, what, err)
	case adDiag(err, adWrongOld):
		return fmt.Errorf("%w: %s: the old password is wrong (%v)", directory.ErrInvalidCredentials, what, err)
	case adDiag(err, adNeedsTLS):
		return fmt.Errorf("%w: %s: the domain controller wants an encrypted connection (%v)", directory.ErrPasswordTransport, what, err)
	}
	return err
}

// adAddError classifies a refused add: AD refuses a new user's password in
// the add itself, and names taken or malformed in samldb's words.
func adAddError(err error, what, name string) error {
	if e := adPasswordError(err, fmt.Sprintf("adding %s %q", what, name)); e != err {
		return e
	}
	if isCode(err, ldap.LDAPResultConstraintViolation) && adDiag(err, "0000202F") {
		return wrapAs(directory.ErrInvalidInput, err, fmt.Sprintf("adding %s %q", what, name))
	}
	return nil
}
