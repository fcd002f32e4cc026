package adweb

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestDisableAndEnableUser(t *testing.T) {
	h := newHarness(t)
	// The seed's body, with notifyEmail false.
	body := `{"userDN": "` + h.existing.DN + `", "FQDN": "dart.org", "notifyEmail": false}`
	var out accountReply
	a := h.call(http.MethodPost, "/restapi/disableuser", body).ok(t, "disableuser", &out)
	if a.Message != "User disabled successfully" || out.EmailSent || out.EmailError != "" || !directory.EqualDN(out.UserDN, h.existing.DN) {
		t.Errorf("disable: %s", a.raw)
	}
	if u := h.user(directory.ByID(h.existing.ID)); u.Enabled {
		t.Error("the user is still enabled")
	}
	if _, err := h.login("existing", goodPass); !errors.Is(err, directory.ErrAccountDisabled) {
		t.Errorf("login of a disabled user: %v, want ErrAccountDisabled", err)
	}
	// notifyEmail as a string, as clients send it: a mail goes out.
	body = `{"userDN": "` + h.existing.DN + `", "FQDN": "dart.org", "notifyEmail": "true"}`
	a = h.call(http.MethodPost, "/restapi/enableuser", body).ok(t, "enableuser", &out)
	if !out.EmailSent || !strings.Contains(a.Message, "notification mailed to existing@dart.org") {
		t.Errorf("enable: %s", a.raw)
	}
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("login after enable: %v", err)
	}
	mails := h.sink.Received()
	if len(mails) != 1 || mails[0].To != "<existing@dart.org>" || !strings.Contains(mails[0].Data, "Subject: Your account has been enabled") {
		t.Errorf("mails %+v", mails)
	}
	// Wrong method: the original answers enableuser on POST only.
	h.call(http.MethodPut, "/restapi/enableuser", body).refused(t, "PUT enableuser", 405, codeMethodNotAllowed)
}

func TestUnlockUserClearsALockout(t *testing.T) {
	h := newHarness(t)
	threshold := h.dom.Capabilities().LockoutThreshold
	if threshold == 0 {
		t.Skip("the embedded backend does not lock accounts by itself")
	}
	for range threshold {
		_, _ = h.login("existing", "wrong-password")
	}
	if _, err := h.login("existing", goodPass); !errors.Is(err, directory.ErrAccountLocked) {
		t.Fatalf("after %d failures: %v, want ErrAccountLocked", threshold, err)
	}
	var info userView
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN="+h.existing.DN+"&fqdn=dart.org", "").ok(t, "getuserinfo", &info)
	if !info.LockedOut {
		t.Errorf("getuserinfo of a locked user: %+v", info)
	}
	var out accountReply
	h.call(http.MethodPut, "/restapi/unlockuser", `{"userDN":"`+h.existing.DN+`","fqdn":"dart.org","notifyEmail":true}`).ok(t, "unlockuser", &out)
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("login after unlock: %v", err)
	}
	if !out.EmailSent {
		t.Errorf("unlock: %+v", out)
	}
}

func TestPasswordReset(t *testing.T) {
	h := newHarness(t)
	body := `{"userDN": "` + h.existing.DN + `", "fqdn": "dart.org", "notifyEmail": true}`
	var out accountReply
	a := h.call(http.MethodPut, "/restapi/passwordreset", body).ok(t, "passwordreset", &out)
	if len(out.Password) < 16 || !out.MustChangePassword || !out.EmailSent {
		t.Fatalf("passwordreset: %s", a.raw)
	}
	if cc := a.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if err := h.dom.ValidatePassword(out.Password); err != nil {
		t.Errorf("the generated password breaks the policy: %v", err)
	}
	u, err := h.login("existing", out.Password)
	if err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if !u.MustChangePassword {
		t.Error("the new password need not be changed")
	}
	if _, err := h.login("existing", goodPass); !errors.Is(err, directory.ErrInvalidCredentials) {
		t.Errorf("the old password: %v", err)
	}
	mails := h.sink.Received()
	if len(mails) != 1 || !strings.Contains(mails[0].Data, "Temporary password: "+out.Password+"\r\n") {
		t.Errorf("mails %+v", mails)
	}
	h.noSecretsLeaked(out.Password, goodPass)

	// A user without mail: the reset happens, the answer says why no mail.
	nomail, err := h.dom.CreateUser(t.Context(), system, directory.NewUser{ParentDN: dartOU, Username: "nomail", Password: goodPass})
	if err != nil {
		t.Fatal(err)
	}
	a = h.call(http.MethodPut, "/restapi/passwordreset", `{"userDN":"`+nomail.DN+`","fqdn":"dart.org","notifyEmail":"True"}`).ok(t, "reset without mail", &out)
	if out.EmailSent || out.EmailError != "the user has no valid mail address" {
		t.Errorf("reset without mail: %s", a.raw)
	}
	if _, err := h.login("nomail", out.Password); err != nil {
		t.Errorf("login with the reset password: %v", err)
	}
}

func TestAccountActionsRefuseBadInput(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"enableuser", "disableuser", "unlockuser", "passwordreset"} {
		method := http.MethodPost
		if path == "unlockuser" || path == "passwordreset" {
			method = http.MethodPut
		}
		h.call(method, "/restapi/"+path, `{"FQDN":"dart.org"}`).refused(t, path+" no userDN", 400, codeMissingField, "userDN is required")
		h.call(method, "/restapi/"+path, `{"userDN":"uid=ghost,ou=Dart,dc=dart,dc=org","FQDN":"dart.org"}`).refused(t, path+" unknown", 404, codeUserNotFound, "uid=ghost")
		h.call(method, "/restapi/"+path, `{"userDN":"`+h.existing.DN+`","FQDN":"dart@org"}`).refused(t, path+" FQDN", 400, codeUnknownDomain, "dart@org")
		h.call(method, "/restapi/"+path, `{"userDN":"`+h.existing.DN+`","FQDN":"dart.org","notifyEmail":"sometimes"}`).refused(t, path+" flag", 400, codeInvalidField, "notifyEmail")
		h.call(method, "/restapi/"+path, `{"userDN":"uid=x)(uid=*","FQDN":"dart.org"}`).refused(t, path+" filter DN", 400, codeOutsideDomain)
		h.call(method, "/restapi/"+path, `{"userDN":"uid=*,ou=Dart,dc=dart,dc=org","FQDN":"dart.org"}`).refused(t, path+" wildcard DN", 404, codeUserNotFound)
		h.call(method, "/restapi/"+path, `{"userDN":"uid=x\\29(uid=*\\,ou=Dart,dc=dart,dc=org","FQDN":"dart.org"}`).refused(t, path+" escaped DN", 404, codeUserNotFound)
		h.call(method, "/restapi/"+path, `{"userDN":"uid=a,,ou=Dart,dc=dart,dc=org","FQDN":"dart.org"}`).refused(t, path+" broken DN", 400, codeInvalidDN)
	}
	if u := h.user(directory.ByID(h.existing.ID)); !u.Enabled || u.MustChangePassword {
		t.Errorf("refused requests changed the user: %+v", u)
	}
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("refused requests changed the password: %v", err)
	}
	if n := len(h.sink.Received()); n != 0 {
		t.Errorf("%d mails sent", n)
	}
}
