package openapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

func TestLoginAsAdminAndAsUser(t *testing.T) {
	h := newHarness(t)
	alice := h.seedUser(directory.NewUser{Username: "alice", DisplayName: "Alice Liddell", Password: "wonderland1"})

	r := h.anon.Post("/login", map[string]string{"username": "alice", "password": "wonderland1"})
	expect(t, r, http.StatusOK)
	tok := r.Map(t)
	if tok["expiresIn"] != float64(DefaultTokenLifetime.Seconds()) || tok["token"] == "" {
		t.Fatalf("token answer %v", tok)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("token answers must not be cached: Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	user := h.anon.WithToken(tok["token"].(string))

	me := user.Get("/users/me")
	expect(t, me, http.StatusOK)
	if m := me.Map(t); m["_id"] != alice.ID || m["userName"] != "alice" || m["displayName"] != "Alice Liddell" || m["active"] != true {
		t.Fatalf("/users/me = %v", m)
	}
	// A user is limited to /users/me… and the password endpoints.
	expect(t, user.Get("/users"), http.StatusForbidden, "administrators")
	expect(t, user.Get("/users/"+alice.ID), http.StatusForbidden)
	expect(t, user.Get("/groups"), http.StatusForbidden)
	expect(t, user.Get("/principals"), http.StatusForbidden)
	expect(t, user.Post("/login/impersonate", map[string]string{"userId": alice.ID}), http.StatusForbidden)
	expect(t, user.Post("/users/me/password/validate", map[string]string{"password": "another-one"}), http.StatusOK)
	expect(t, user.Get("/users/me/groups"), http.StatusOK)

	// The admin may use everything.
	list := h.admin.Get("/users")
	expect(t, list, http.StatusOK)
	if m := list.Map(t); m["totalCount"] != float64(2) {
		t.Fatalf("users: %v", m)
	}
	me = h.admin.Get("/users/me")
	if m := me.Map(t); m["userName"] != testAdmin {
		t.Fatalf("admin /users/me = %v", m)
	}
}

// TestConfiguredAdminsAreAdmins: an admin listed by DN is one, whatever
// the case of the DN; another entry of the same name elsewhere is not.
func TestConfiguredAdminsAreAdmins(t *testing.T) {
	const bobDN = "uid=bob,ou=people,dc=example,dc=com"
	h := newHarness(t, func(o *harnessOptions) {
		o.tweak = func(c *Config) { c.AdminDNs = []string{"UID=Bob, OU=People,dc=example,dc=com"} }
	})
	bob := h.seedUser(directory.NewUser{ParentDN: "ou=people,dc=example,dc=com", Username: "bob", Password: "builder12"})
	if !directory.EqualDN(bob.DN, bobDN) {
		t.Fatalf("bob is at %s, want %s", bob.DN, bobDN)
	}
	expect(t, h.login("bob", "builder12").Get("/users"), http.StatusOK)

	// bob leaves; someone creates "bob" again elsewhere: not an admin.
	expect(t, h.admin.Delete("/users/"+bob.ID), http.StatusNoContent)
	if _, err := h.domain.CreateOU(context.Background(), setupCaller, directory.NewOU{Name: "guests"}); err != nil {
		t.Fatal(err)
	}
	h.seedUser(directory.NewUser{ParentDN: "ou=guests,dc=example,dc=com", Username: "bob", Password: "claimed-12"})
	expect(t, h.login("bob", "claimed-12").Get("/users"), http.StatusForbidden)
}

// TestConfigRefusesBareAdminNames: a configuration that still lists
// usernames as admins is refused, with the way out in the message.
func TestConfigRefusesBareAdminNames(t *testing.T) {
	cfg := DefaultConfig()
	cfg.JWTSecret = strings.Repeat("j", 40)
	cfg.Invitations.Secret = strings.Repeat("i", 40)
	cfg.Admins = []string{"root", "alice"}
	err := cfg.Validate()
	for _, want := range []string{
		"admins: lists bare usernames (root, alice); whoever creates a free one of those names would be an admin",
		"list each admin's DN under adminDNs", `make them members of adminGroup ("dirgate-admins")`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
	cfg.Admins = nil
	cfg.AdminGroup = ""
	cfg.AdminDNs = []string{"alice"}
	err = cfg.Validate()
	for _, want := range []string{`adminDNs[0]: "alice" is not a DN`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
	cfg.AdminDNs = []string{"uid=alice,ou=people,dc=example,dc=com"}
	if err := cfg.Validate(); err != nil {
		t.Errorf("admins by DN only: %v", err)
	}
}

// TestAdminTokenEndsWithAdminRights: an admin token is refused at the next
// request once its user is no longer an admin, and once the account is
// deleted, disabled or locked, not when the token expires.
func TestAdminTokenEndsWithAdminRights(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	admins := h.group(directory.ByName(testAdminGroup))
	seedAdmin := func(name string) (*directory.User, *openapitest.Client) {
		u := h.seedUser(directory.NewUser{Username: name, Password: name + "-pass1"})
		if err := h.domain.AddMember(ctx, setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(u.ID))); err != nil {
			t.Fatal(err)
		}
		c := h.login(name, name+"-pass1")
		expect(t, c.Get("/users"), http.StatusOK)
		return u, c
	}

	demoted, demotedC := seedAdmin("demoted")
	if err := h.domain.RemoveMember(ctx, setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(demoted.ID))); err != nil {
		t.Fatal(err)
	}
	expect(t, demotedC.Get("/users"), http.StatusUnauthorized, "no longer an admin")
	expect(t, demotedC.Get("/users/me"), http.StatusUnauthorized, "no longer an admin")
	// Logged in again, it is the user it now is.
	expect(t, h.login("demoted", "demoted-pass1").Get("/users"), http.StatusForbidden)

	disabled, disabledC := seedAdmin("disabled")
	if err := h.domain.SetEnabled(ctx, setupCaller, directory.ByID(disabled.ID), false); err != nil {
		t.Fatal(err)
	}
	expect(t, disabledC.Get("/users"), http.StatusUnauthorized, "disabled or locked")

	_, lockedC := seedAdmin("locked")
	for range 5 { // the embedded store's lockout threshold
		h.anon.Post("/login", map[string]string{"username": "locked", "password": "wrong-pass1"})
	}
	if u := h.user(directory.ByName("locked")); !u.Lock.Locked {
		t.Fatal("five wrong passwords did not lock the account")
	}
	expect(t, lockedC.Get("/users"), http.StatusUnauthorized, "disabled or locked")

	gone, goneC := seedAdmin("gone")
	expect(t, h.admin.Delete("/users/"+gone.ID), http.StatusNoContent)
	// The finding: a deleted admin's token reset another admin's
	// password. Refused, and the password is unchanged.
	adminID := h.user(directory.ByName(testAdmin)).ID
	expect(t, goneC.Put("/users/"+adminID+"/password", map[string]any{"password": "taken-over-1"}), http.StatusUnauthorized, "no longer exists")
	if _, err := h.domain.Authenticate(ctx, setupCaller, directory.ByName(testAdmin), testAdminPassword); err != nil {
		t.Fatalf("the admin's password: %v", err)
	}
	// Created again under the same name: another account, not reached.
	again, _ := seedAdmin("gone")
	if again.ID == gone.ID {
		t.Fatal("the recreated admin has the old id")
	}
	expect(t, goneC.Get("/users"), http.StatusUnauthorized, "no longer exists")
}

// TestNestedImpersonationKeepsTheOriginatingAdmin: admin → ops → gina; the
// token names both admins, the audit line too, and either admin losing
// the right ends it.
func TestNestedImpersonationKeepsTheOriginatingAdmin(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	admins := h.group(directory.ByName(testAdminGroup))
	gina := h.seedUser(directory.NewUser{Username: "gina", Password: "gina-pass1"})
	ops := h.seedUser(directory.NewUser{Username: "ops", Password: "ops-pass1"})
	if err := h.domain.AddMember(ctx, setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(ops.ID))); err != nil {
		t.Fatal(err)
	}
	impersonate := func(as *openapitest.Client, id string) *openapitest.Client {
		t.Helper()
		r := as.Post("/login/impersonate", map[string]string{"userId": id})
		expect(t, r, http.StatusOK)
		return h.anon.WithToken(r.Map(t)["token"].(string))
	}
	asOps := impersonate(h.admin, ops.ID)
	asGina := impersonate(asOps, gina.ID)
	expect(t, asGina.Put("/users/me/password", map[string]string{"currentPassword": "gina-pass1", "newPassword": "gina-pass2"}), http.StatusOK)
	if want := `"caller":"gina (impersonated by ops, impersonated by admin)"`; !strings.Contains(h.audit.String(), want) {
		t.Fatalf("audit log does not name the chain %s:\n%s", want, h.audit)
	}

	// The originating admin demoted: both tokens end.
	if err := h.domain.RemoveMember(ctx, setupCaller, directory.ByName(testAdminGroup), directory.UserRef(directory.ByName(testAdmin))); err != nil {
		t.Fatal(err)
	}
	expect(t, asGina.Get("/users/me"), http.StatusUnauthorized, "impersonated this user is no longer an admin")
	expect(t, asOps.Get("/users/me"), http.StatusUnauthorized, "impersonated this user is no longer an admin")
	if err := h.domain.AddMember(ctx, setupCaller, directory.ByName(testAdminGroup), directory.UserRef(directory.ByName(testAdmin))); err != nil {
		t.Fatal(err)
	}
	expect(t, asGina.Get("/users/me"), http.StatusOK)
	// The admin in the middle demoted: gina's token ends too.
	if err := h.domain.RemoveMember(ctx, setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(ops.ID))); err != nil {
		t.Fatal(err)
	}
	expect(t, asGina.Get("/users/me"), http.StatusUnauthorized, "impersonated this user is no longer an admin")
	if err := h.domain.AddMember(ctx, setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(ops.ID))); err != nil {
		t.Fatal(err)
	}

	// The chain is bounded.
	as := h.admin
	for range maxActors {
		as = impersonate(as, ops.ID)
	}
	expect(t, as.Post("/login/impersonate", map[string]string{"userId": gina.ID}), http.StatusPreconditionFailed, "nested")
}

func TestLoginFailures(t *testing.T) {
	h := newHarness(t)
	h.seedUser(directory.NewUser{Username: "carol", Password: "carol-pass1"})

	wrong := h.anon.Post("/login", map[string]string{"username": "carol", "password": "nope-nope"})
	unknown := h.anon.Post("/login", map[string]string{"username": "nobody", "password": "nope-nope"})
	expect(t, wrong, http.StatusUnauthorized, msgBadCredentials)
	// No username enumeration: the same answer for both.
	if string(wrong.Body) != string(unknown.Body) || unknown.Status != wrong.Status {
		t.Fatalf("unknown user %d %s, wrong password %d %s", unknown.Status, unknown.Body, wrong.Status, wrong.Body)
	}
	for _, body := range []string{`{"username":"carol"}`, `{"password":"x"}`, `{}`} {
		expect(t, h.anon.Do(http.MethodPost, "/login", openapitest.Request{Raw: []byte(body), Invalid: true}), http.StatusBadRequest, "required")
	}
	expect(t, h.anon.Do(http.MethodPost, "/login", openapitest.Request{Raw: []byte(`{"username":`), Invalid: true}), http.StatusBadRequest, "malformed JSON")
	expect(t, h.anon.Do(http.MethodPost, "/login", openapitest.Request{Raw: []byte("{\"username\":\"car\xffol\",\"password\":\"x\"}"), Invalid: true}), http.StatusBadRequest, "not valid UTF-8")
	expect(t, h.anon.Do(http.MethodPost, "/login", openapitest.Request{Raw: []byte(`{"username":1,"password":"x"}`), Invalid: true}), http.StatusBadRequest, "username: must be a string")
	expect(t, h.anon.Do(http.MethodPost, "/login", openapitest.Request{Raw: []byte(`{"username":"carol","password":"x","extra":1}`), Invalid: true}), http.StatusBadRequest, `unknown field \"extra\"`)
	expect(t, h.anon.Do(http.MethodPost, "/login", openapitest.Request{Raw: []byte(`username=carol`), ContentType: "application/x-www-form-urlencoded", Invalid: true}), http.StatusUnsupportedMediaType)
	// LDAP filter metacharacters and NUL in the username find nobody.
	for _, name := range []string{"*", "carol)(uid=*", "car*", "carol\x00", `carol\2a`} {
		expect(t, h.anon.Post("/login", map[string]string{"username": name, "password": "carol-pass1"}), http.StatusUnauthorized, msgBadCredentials)
	}
}

func TestTokenChecks(t *testing.T) {
	h := newHarness(t)
	dave := h.seedUser(directory.NewUser{Username: "dave", Password: "dave-pass1"})
	user := h.login("dave", "dave-pass1")

	noToken := h.anon.Do(http.MethodGet, "/users/me", openapitest.Request{Invalid: true})
	expect(t, noToken, http.StatusUnauthorized, "bearer token is required")
	if !strings.HasPrefix(noToken.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("WWW-Authenticate %q", noToken.Header.Get("WWW-Authenticate"))
	}
	expect(t, h.anon.WithToken("not-a-jwt").Get("/users/me"), http.StatusUnauthorized, "invalid token")

	forge := func(secret string, method jwt.SigningMethod, claims jwt.Claims) string {
		tok, err := jwt.NewWithClaims(method, claims).SignedString(secretKey(method, secret))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	now := time.Now()
	claims := func(admin bool) loginClaims {
		return loginClaims{RegisteredClaims: jwt.RegisteredClaims{
			Issuer: tokenIssuer, Subject: dave.ID, Audience: jwt.ClaimStrings{loginAudience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}, Username: "dave", Admin: admin}
	}
	// Another secret, "none", an invitation secret: all refused; dave
	// cannot make himself admin.
	expect(t, h.anon.WithToken(forge(strings.Repeat("x", 40), jwt.SigningMethodHS256, claims(true))).Get("/users"), http.StatusUnauthorized, "invalid token")
	expect(t, h.anon.WithToken(forge("", jwt.SigningMethodNone, claims(true))).Get("/users"), http.StatusUnauthorized, "invalid token")
	expect(t, h.anon.WithToken(forge(h.d.cfg.Invitations.Secret, jwt.SigningMethodHS256, claims(true))).Get("/users"), http.StatusUnauthorized, "invalid token")
	wrongAudience := claims(false)
	wrongAudience.Audience = jwt.ClaimStrings{invitationAudience}
	expect(t, h.anon.WithToken(forge(h.d.cfg.JWTSecret, jwt.SigningMethodHS256, wrongAudience)).Get("/users/me"), http.StatusUnauthorized, "invalid token")

	// Expiry, by the dialect's clock, of a token verified before and
	// remembered (internal/tokenmemo): its times are checked every time.
	expect(t, user.Get("/users/me"), http.StatusOK)
	if h.d.verifiedLogins.Len() == 0 {
		t.Fatal("no login token remembered after two requests: the expiry below would not test the memo")
	}
	h.setNow(now.Add(DefaultTokenLifetime + time.Minute))
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "expired")
	h.setNow(time.Time{})
	expect(t, user.Get("/users/me"), http.StatusOK)

	// A disabled account stops working at once, token or not.
	expect(t, h.admin.PatchJSON("/users/"+dave.ID, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "disabled or locked")
	expect(t, h.admin.PatchJSON("/users/"+dave.ID, []map[string]any{{"op": "replace", "path": "/active", "value": true}}), http.StatusOK)
	expect(t, user.Get("/users/me"), http.StatusOK)
	// So does a deleted one.
	expect(t, h.admin.Delete("/users/"+dave.ID), http.StatusNoContent)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "no longer exists")
}

func secretKey(m jwt.SigningMethod, secret string) any {
	if m == jwt.SigningMethodNone {
		return jwt.UnsafeAllowNoneSignatureType
	}
	return []byte(secret)
}

func TestPreviousSecretStillVerifies(t *testing.T) {
	old := strings.Repeat("o", 40)
	h := newHarness(t, func(o *harnessOptions) {
		o.tweak = func(c *Config) { c.PreviousJWTSecrets = []string{old} }
	})
	s := newSigner(old, nil, loginAudience, time.Minute, time.Now)
	registered, _ := s.registered(h.user(directory.ByName(testAdmin)).ID)
	tok, err := s.sign(loginClaims{RegisteredClaims: registered, Username: testAdmin, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, h.anon.WithToken(tok).Get("/users"), http.StatusOK)
}

func TestImpersonate(t *testing.T) {
	h := newHarness(t)
	erin := h.seedUser(directory.NewUser{Username: "erin", Password: "erin-pass1"})

	r := h.admin.Post("/login/impersonate", map[string]string{"userId": erin.ID})
	expect(t, r, http.StatusOK)
	as := h.anon.WithToken(r.Map(t)["token"].(string))
	if m := as.Get("/users/me").Map(t); m["userName"] != "erin" {
		t.Fatalf("impersonated /users/me = %v", m)
	}
	// The impersonation token has erin's rights, not the admin's.
	expect(t, as.Get("/users"), http.StatusForbidden)
	// Audited as erin, impersonated by the admin.
	expect(t, as.Put("/users/me/password", map[string]string{"currentPassword": "erin-pass1", "newPassword": "erin-pass2"}), http.StatusOK)
	if !strings.Contains(h.audit.String(), `"caller":"erin (impersonated by admin)"`) {
		t.Fatalf("audit log does not name the impersonator:\n%s", h.audit)
	}

	expect(t, h.admin.Post("/login/impersonate", map[string]string{"userId": "3f0e9a43-0000-4000-8000-000000000000"}), http.StatusNotFound)
	expect(t, h.admin.Post("/login/impersonate", map[string]string{"userId": "*)(objectClass=*"}), http.StatusNotFound)
	expect(t, h.admin.Do(http.MethodPost, "/login/impersonate", openapitest.Request{JSON: map[string]string{}, Invalid: true}), http.StatusBadRequest, "userId is required")
	expect(t, h.admin.PatchJSON("/users/"+erin.ID, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
	expect(t, h.admin.Post("/login/impersonate", map[string]string{"userId": erin.ID}), http.StatusPreconditionFailed, "disabled or locked")
}

// An impersonation token stops working with its admin: once the admin's
// account is disabled or deleted, not when the token expires.
func TestImpersonationEndsWithTheAdmin(t *testing.T) {
	h := newHarness(t)
	gina := h.seedUser(directory.NewUser{Username: "gina", Password: "gina-pass1"})
	ops := h.seedUser(directory.NewUser{Username: "ops", Password: "ops-pass1"})
	admins := h.group(directory.ByName(testAdminGroup))
	if err := h.domain.AddMember(context.Background(), setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(ops.ID))); err != nil {
		t.Fatal(err)
	}
	opsClient := h.login("ops", "ops-pass1")

	r := opsClient.Post("/login/impersonate", map[string]string{"userId": gina.ID})
	expect(t, r, http.StatusOK)
	asGina := h.anon.WithToken(r.Map(t)["token"].(string))
	expect(t, asGina.Get("/users/me"), http.StatusOK)

	if err := h.domain.SetEnabled(context.Background(), setupCaller, directory.ByID(ops.ID), false); err != nil {
		t.Fatal(err)
	}
	expect(t, asGina.Get("/users/me"), http.StatusUnauthorized, "impersonated this user is disabled or locked")
	if err := h.domain.SetEnabled(context.Background(), setupCaller, directory.ByID(ops.ID), true); err != nil {
		t.Fatal(err)
	}
	expect(t, asGina.Get("/users/me"), http.StatusOK)

	expect(t, h.admin.Delete("/users/"+ops.ID), http.StatusNoContent)
	expect(t, asGina.Get("/users/me"), http.StatusUnauthorized, "impersonated this user no longer exists")
	// gina's own logon is untouched.
	expect(t, h.login("gina", "gina-pass1").Get("/users/me"), http.StatusOK)
}

func TestMustChangePassword(t *testing.T) {
	h := newHarness(t)
	r := h.admin.Post("/users", map[string]any{"userName": "frank", "password": "initial-1", "mustChange": true})
	expect(t, r, http.StatusCreated)

	login := h.anon.Post("/login", map[string]string{"username": "frank", "password": "initial-1"})
	expect(t, login, http.StatusPreconditionFailed, "must be changed", "/password/change")

	change := func(current, next string) *openapitest.Response {
		return h.anon.Post("/password/change", map[string]string{"username": "frank", "currentPassword": current, "newPassword": next})
	}
	expect(t, change("wrong-one", "chosen-22"), http.StatusUnauthorized, msgBadCredentials)
	expect(t, change("initial-1", "abc"), http.StatusUnprocessableEntity, "at least 6 characters")
	expect(t, h.anon.Post("/password/change", map[string]string{"username": "nobody", "currentPassword": "initial-1", "newPassword": "chosen-22"}), http.StatusUnauthorized, msgBadCredentials)
	expect(t, change("initial-1", "chosen-22"), http.StatusOK, "password changed")

	expect(t, h.anon.Post("/login", map[string]string{"username": "frank", "password": "initial-1"}), http.StatusUnauthorized)
	frank := h.login("frank", "chosen-22")
	expect(t, frank.Get("/users/me"), http.StatusOK)
	if h.user(directory.ByName("frank")).MustChangePassword {
		t.Fatal("must-change is still set after the change")
	}
}

func TestOwnPasswordChange(t *testing.T) {
	h := newHarness(t)
	h.seedUser(directory.NewUser{Username: "gina", DisplayName: "Gina Torres", Password: "gina-pass1"})
	gina := h.login("gina", "gina-pass1")

	expect(t, gina.Put("/users/me/password", map[string]string{"currentPassword": "wrong-pass", "newPassword": "gina-pass2"}), http.StatusForbidden, "current password is incorrect")
	expect(t, gina.Put("/users/me/password", map[string]string{"currentPassword": "gina-pass1", "newPassword": "x"}), http.StatusUnprocessableEntity)
	expect(t, gina.Put("/users/me/password", map[string]string{"currentPassword": "gina-pass1", "newPassword": "gina-pass2"}), http.StatusOK, "password changed")
	h.login("gina", "gina-pass2")

	// An admin's mustChange on a logged-in user: the token only reaches
	// the password endpoints until the password is changed.
	id := h.user(directory.ByName("gina")).ID
	expect(t, h.admin.Put("/users/"+id+"/password", map[string]any{"password": "temp-pass-9", "mustChange": true}), http.StatusOK, "password set")
	expect(t, gina.Get("/users/me"), http.StatusPreconditionFailed, "must be changed")
	expect(t, gina.Put("/users/me/password", map[string]string{"currentPassword": "temp-pass-9", "newPassword": "gina-pass3"}), http.StatusOK)
	expect(t, gina.Get("/users/me"), http.StatusOK)
}

func TestPasswordValidation(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) {
		o.policy = strictPolicy()
	})
	h.seedUser(directory.NewUser{Username: "henry", DisplayName: "Henry Fonda", Password: "Str0ng&Long"})
	id := h.user(directory.ByName("henry")).ID

	check := func(r *openapitest.Response, wantError string) {
		t.Helper()
		expect(t, r, http.StatusOK)
		got := r.Map(t)["error"]
		switch {
		case wantError == "" && got != nil:
			t.Fatalf("password refused: %v", got)
		case wantError != "" && !strings.Contains(str(got), wantError):
			t.Fatalf("error %v, want %q", got, wantError)
		}
	}
	check(h.anon.Post("/password/validate", map[string]string{"password": "Str0ng&Long"}), "")
	// PasswordCheck and PasswordBody require password: without it the
	// request is 400, not a verdict on an empty password.
	for _, path := range []string{"/password/validate", "/users/" + id + "/password/validate"} {
		bodies, client := []string{`{}`, `{"password":null}`, `{"username":"henry"}`}, h.anon
		if strings.HasPrefix(path, "/users/") {
			bodies, client = bodies[:2], h.admin
		}
		for _, body := range bodies {
			expect(t, client.Do(http.MethodPost, path, openapitest.Request{Raw: []byte(body), Invalid: true}),
				http.StatusBadRequest, "password is required")
		}
	}
	check(h.anon.Post("/password/validate", map[string]string{"password": "short"}), "at least 8 characters")
	check(h.anon.Post("/password/validate", map[string]string{"password": "Ivan-Drago-99", "displayName": "Ivan Drago"}), "must not contain the user's name")
	check(h.admin.Post("/users/"+id+"/password/validate", map[string]string{"password": "Henry-Rules-1"}), "must not contain the user's name")
	check(h.admin.Post("/users/"+id+"/password/validate", map[string]string{"password": "Good-Pass-42"}), "")
	henry := h.login("henry", "Str0ng&Long")
	check(henry.Post("/users/me/password/validate", map[string]string{"password": "fonda-Fonda-1"}), "must not contain the user's name")
	expect(t, h.admin.Post("/users/nope/password/validate", map[string]string{"password": "Good-Pass-42"}), http.StatusNotFound)
	// Setting a password the policy refuses is 422 and changes nothing.
	expect(t, h.admin.Put("/users/"+id+"/password", map[string]any{"password": "weak"}), http.StatusUnprocessableEntity, "at least 8 characters")
	h.login("henry", "Str0ng&Long")
}

// loginToken logs in through the API and returns the token and its
// claims.
func (h *harness) loginToken(username, password string) (string, loginClaims) {
	h.t.Helper()
	r := h.anon.Post("/login", map[string]string{"username": username, "password": password})
	expect(h.t, r, http.StatusOK)
	tok := r.Map(h.t)["token"].(string)
	var claims loginClaims
	if err := h.d.logins.parse(tok, &claims); err != nil {
		h.t.Fatalf("parse the login token: %v", err)
	}
	return tok, claims
}

// The token carries the user's DN, read first on every request; when the
// user is no longer there the id finds it, and an entry of another id at
// that DN is never taken for it.
func TestTokenFollowsRenamedAndMovedUser(t *testing.T) {
	h := newHarness(t)
	ivy := h.seedUser(directory.NewUser{Username: "ivy", Password: "ivy-pass-1"})
	tok, claims := h.loginToken("ivy", "ivy-pass-1")
	if claims.Subject != ivy.ID || !directory.EqualDN(claims.DN, ivy.DN) {
		t.Fatalf("token claims sub %q dn %q, want %q %q", claims.Subject, claims.DN, ivy.ID, ivy.DN)
	}
	user := h.anon.WithToken(tok)
	me := func(wantName string) {
		t.Helper()
		r := user.Get("/users/me")
		expect(t, r, http.StatusOK)
		if m := r.Map(t); m["_id"] != ivy.ID || m["userName"] != wantName {
			t.Fatalf("/users/me = %v, want ivy's id as %q", m, wantName)
		}
	}
	me("ivy")

	// Renamed: the DN changes, the token keeps working.
	expect(t, h.admin.PatchJSON("/users/"+ivy.ID, []map[string]any{{"op": "replace", "path": "/userName", "value": "ivy2"}}), http.StatusOK)
	if renamed := h.user(directory.ByID(ivy.ID)); directory.EqualDN(renamed.DN, ivy.DN) {
		t.Fatalf("the rename kept the DN %s", renamed.DN)
	}
	me("ivy2")

	// Someone else now lives at the token's DN: still ivy, by id.
	other := h.seedUser(directory.NewUser{Username: "ivy", Password: "other-pass-1"})
	if !directory.EqualDN(other.DN, ivy.DN) {
		t.Fatalf("the new ivy is at %s, not at the old DN %s", other.DN, ivy.DN)
	}
	me("ivy2")
	// Disabling the renamed user still stops the token at once.
	expect(t, h.admin.PatchJSON("/users/"+ivy.ID, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "disabled or locked")
	expect(t, h.admin.PatchJSON("/users/"+ivy.ID, []map[string]any{{"op": "replace", "path": "/active", "value": true}}), http.StatusOK)

	// Moved to another OU.
	staff, err := h.domain.CreateOU(context.Background(), setupCaller, directory.NewOU{Name: "staff"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.domain.MoveUser(context.Background(), setupCaller, directory.ByID(ivy.ID), staff.DN); err != nil {
		t.Fatal(err)
	}
	me("ivy2")

	// Deleted: the DN finds the other user, the id nothing.
	expect(t, h.admin.Delete("/users/"+ivy.ID), http.StatusNoContent)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "no longer exists")
}

// A user deleted and created again under the same name (and so the same
// DN) is another user: the old token does not carry over to it.
func TestTokenOfRecreatedUserIsRefused(t *testing.T) {
	h := newHarness(t)
	jack := h.seedUser(directory.NewUser{Username: "jack", Password: "jack-pass-1"})
	tok, _ := h.loginToken("jack", "jack-pass-1")
	old := h.anon.WithToken(tok)
	expect(t, old.Get("/users/me"), http.StatusOK)
	imp := h.admin.Post("/login/impersonate", map[string]string{"userId": jack.ID})
	expect(t, imp, http.StatusOK)
	impersonated := h.anon.WithToken(imp.Map(t)["token"].(string))
	expect(t, impersonated.Get("/users/me"), http.StatusOK)

	expect(t, h.admin.Delete("/users/"+jack.ID), http.StatusNoContent)
	again := h.seedUser(directory.NewUser{Username: "jack", Password: "jack-pass-2"})
	if again.ID == jack.ID || !directory.EqualDN(again.DN, jack.DN) {
		t.Fatalf("recreated jack: id %s dn %s; before: id %s dn %s", again.ID, again.DN, jack.ID, jack.DN)
	}
	expect(t, old.Get("/users/me"), http.StatusUnauthorized, "no longer exists")
	expect(t, impersonated.Get("/users/me"), http.StatusUnauthorized, "no longer exists")
	// The new jack logs in for himself.
	if m := h.login("jack", "jack-pass-2").Get("/users/me").Map(t); m["_id"] != again.ID {
		t.Fatalf("new jack's /users/me = %v", m)
	}
}

// Tokens issued before the DN was carried are read by id.
func TestTokenWithoutDN(t *testing.T) {
	h := newHarness(t)
	kim := h.seedUser(directory.NewUser{Username: "kim", Password: "kim-pass-1"})
	registered, _ := h.d.logins.registered(kim.ID)
	tok, err := h.d.logins.sign(loginClaims{RegisteredClaims: registered, Username: "kim"})
	if err != nil {
		t.Fatal(err)
	}
	user := h.anon.WithToken(tok)
	expect(t, user.Get("/users/me"), http.StatusOK, `"userName":"kim"`)
	expect(t, h.admin.PatchJSON("/users/"+kim.ID, []map[string]any{{"op": "replace", "path": "/userName", "value": "kim2"}}), http.StatusOK)
	expect(t, user.Get("/users/me"), http.StatusOK, `"userName":"kim2"`)
	expect(t, h.admin.PatchJSON("/users/"+kim.ID, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "disabled or locked")
	expect(t, h.admin.Delete("/users/"+kim.ID), http.StatusNoContent)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "no longer exists")

	// A DN this directory cannot parse (a token from another setup)
	// falls back to the id as well.
	h.seedUser(directory.NewUser{Username: "lee", Password: "lee-pass-1"})
	lee := h.user(directory.ByName("lee"))
	registered, _ = h.d.logins.registered(lee.ID)
	if tok, err = h.d.logins.sign(loginClaims{RegisteredClaims: registered, Username: "lee", DN: "not a DN"}); err != nil {
		t.Fatal(err)
	}
	expect(t, h.anon.WithToken(tok).Get("/users/me"), http.StatusOK, `"userName":"lee"`)
}
