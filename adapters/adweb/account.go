package adweb

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// accountReply is what enableuser, disableuser, unlockuser and
// passwordreset return.
type accountReply struct {
	UserDN string `json:"userDN"`
	// Password is passwordreset's new password (must be changed at the
	// next logon); the only password dirgate ever returns.
	Password           string `json:"password,omitempty"`
	MustChangePassword bool   `json:"mustChangePassword,omitempty"`
	// EmailSent says whether notifyEmail led to a mail; EmailError why not.
	EmailSent  bool   `json:"emailSent"`
	EmailError string `json:"emailError,omitempty"`
}

// enableUser: POST enableuser {userDN, FQDN, notifyEmail}.
func (r *request) enableUser() (reply, error) {
	return r.accountAction("enabled", func(dom *identity.Domain, ref directory.Ref) error {
		return dom.SetEnabled(r.ctx, r.caller, ref, true)
	}, enabledNotice)
}

// disableUser: POST disableuser {userDN, FQDN, notifyEmail}.
func (r *request) disableUser() (reply, error) {
	return r.accountAction("disabled", func(dom *identity.Domain, ref directory.Ref) error {
		return dom.SetEnabled(r.ctx, r.caller, ref, false)
	}, disabledNotice)
}

// unlockUser: PUT unlockuser {userDN, fqdn, notifyEmail}.
func (r *request) unlockUser() (reply, error) {
	return r.accountAction("unlocked", func(dom *identity.Domain, ref directory.Ref) error {
		return dom.Unlock(r.ctx, r.caller, ref)
	}, unlockedNotice)
}

func (r *request) accountAction(done string, act func(*identity.Domain, directory.Ref) error,
	compose func(to, name string) notice) (reply, error) {
	dom, userDN, notify, err := r.accountFields()
	if err != nil {
		return reply{}, err
	}
	if err := act(dom, directory.ByDN(userDN)); err != nil {
		return reply{}, fromCore(err, subjectUser, userDN)
	}
	out := accountReply{UserDN: userDN}
	msg := "User " + done + " successfully"
	if notify {
		msg += r.notify(dom, userDN, &out, func(u *directory.User) notice { return compose(u.Mail, displayName(u)) })
	}
	return reply{message: msg, data: out}, nil
}

// passwordReset: PUT passwordreset {userDN, fqdn, notifyEmail}. No password
// is sent: the core generates one that meets the policy and sets it with
// must-change; it is returned in data (and mailed with notifyEmail).
func (r *request) passwordReset() (reply, error) {
	dom, userDN, notify, err := r.accountFields()
	if err != nil {
		return reply{}, err
	}
	password, err := dom.ResetPassword(r.ctx, r.caller, directory.ByDN(userDN))
	if err != nil {
		return reply{}, fromCore(err, subjectUser, userDN)
	}
	// The answer holds a password: no cache along the way may keep it.
	r.c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	out := accountReply{UserDN: userDN, Password: password, MustChangePassword: true}
	msg := "Password reset successfully; it must be changed at the next logon"
	if notify {
		msg += r.notify(dom, userDN, &out, func(u *directory.User) notice {
			return resetNotice(u.Mail, displayName(u), password)
		})
	}
	return reply{message: msg, data: out}, nil
}

func (r *request) accountFields() (*identity.Domain, string, bool, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return nil, "", false, err
	}
	userDN, err := dn(r.in, "userDN", dom)
	if err != nil {
		return nil, "", false, err
	}
	notify, err := flag(r.in, "notifyEmail")
	if err != nil {
		return nil, "", false, err
	}
	return dom, userDN, notify, nil
}

// notify mails the user after a change that already happened, records the
// outcome in out and returns the sentence to add to the message. A mail
// that cannot be sent does not undo the change: the answer says so.
func (r *request) notify(dom *identity.Domain, userDN string, out *accountReply, compose func(*directory.User) notice) string {
	reason := func(err error) string {
		switch {
		case errors.Is(err, errNoSMTP), errors.Is(err, errNoAddress):
			return err.Error()
		default:
			// The detail (server address, SMTP reply) is for the log.
			r.d.log.Warn("notification mail not sent", "request_id", r.caller.RequestID, "user", userDN, "error", err)
			return "the mail server did not accept the notification"
		}
	}
	u, err := dom.GetUser(r.ctx, r.caller, directory.ByDN(userDN))
	if err != nil {
		r.d.log.Warn("notification mail not sent: user not readable", "request_id", r.caller.RequestID, "user", userDN, "error", err)
		out.EmailError = "the user's mail address could not be read"
		return "; no notification was mailed: " + out.EmailError
	}
	if err := r.d.mailer.send(r.ctx, compose(u)); err != nil {
		out.EmailError = reason(err)
		return "; no notification was mailed: " + out.EmailError
	}
	out.EmailSent = true
	return "; notification mailed to " + u.Mail
}

func displayName(u *directory.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}
