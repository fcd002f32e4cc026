package openapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

func invite(t *testing.T, h *harness, body map[string]any) (token string, user map[string]any) {
	t.Helper()
	r := h.admin.Post("/invitations", body)
	expect(t, r, http.StatusCreated)
	var inv struct {
		Token            string         `json:"token"`
		ExpiresIn        int64          `json:"expiresIn"`
		InvitationExpiry string         `json:"invitationExpiry"`
		User             map[string]any `json:"user"`
	}
	r.Decode(t, &inv)
	if inv.Token == "" || inv.ExpiresIn != int64(DefaultInvitationLifetime.Seconds()) || inv.User["invitationExpiry"] != inv.InvitationExpiry {
		t.Fatalf("invitation %s", r.Body)
	}
	return inv.Token, inv.User
}

func TestInvitationLifecycle(t *testing.T) {
	h := newHarness(t)
	h.seedUser(directory.NewUser{Username: "taken"})
	token, user := invite(t, h, map[string]any{"email": "xena@example.com", "displayName": "Invited"})
	id := user["_id"].(string)
	placeholder := user["userName"].(string)
	if !strings.HasPrefix(placeholder, placeholderPrefix) || len(placeholder) != 20 ||
		user["active"] != false || user["invitationPending"] != true || user["email"] != "xena@example.com" {
		t.Fatalf("invited user %v", user)
	}
	pending := h.user(directory.ByID(id))
	if pending.Enabled || !pending.InvitationPending || pending.InvitationExpiry.IsZero() {
		t.Fatalf("directory %+v", pending)
	}
	if m := h.admin.Get("/users?filter[invitationPending][EQ]=true").Map(t); m["totalCount"] != float64(1) {
		t.Fatalf("pending users %v", m)
	}

	available := func(name string) bool {
		t.Helper()
		r := h.anon.Post("/invitations/userNameAvailability", map[string]string{"token": token, "userName": name})
		expect(t, r, http.StatusOK)
		return r.Map(t)["available"].(bool)
	}
	if !available("xena") || available("taken") || available(testAdmin) || !available(placeholder) {
		t.Fatal("availability is wrong")
	}
	expect(t, h.anon.Post("/invitations/userNameAvailability", map[string]string{"token": token, "userName": " spaced"}), http.StatusBadRequest, "space")
	expect(t, h.anon.Post("/invitations/userNameAvailability", map[string]string{"token": "forged", "userName": "xena"}), http.StatusUnauthorized, "invalid invitation token")

	accept := func(body map[string]any) *openapitest.Response {
		return h.anon.Post("/invitations/accept", body)
	}
	expect(t, accept(map[string]any{"token": token, "userName": "taken", "displayName": "Xena", "password": "xena-pass-1"}), http.StatusConflict, "already exists")
	expect(t, accept(map[string]any{"token": token, "userName": "xena", "displayName": "Xena", "password": "abc"}), http.StatusUnprocessableEntity)
	expect(t, accept(map[string]any{"token": token, "userName": "xena", "displayName": "Xena"}), http.StatusBadRequest, "password")
	// None of that changed the pending user.
	if got := h.user(directory.ByID(id)); got.Username != placeholder || got.Enabled || !got.InvitationPending || got.DisplayName != "Invited" {
		t.Fatalf("a refused acceptance changed the user: %+v", got)
	}
	// Before accepting, the invitee cannot log in.
	expect(t, h.anon.Post("/login", map[string]string{"username": placeholder, "password": "xena-pass-1"}), http.StatusUnauthorized)

	r := accept(map[string]any{"token": token, "userName": "xena", "displayName": "Xena Warrior", "password": "xena-pass-1"})
	expect(t, r, http.StatusOK)
	if m := r.Map(t); m["userName"] != "xena" || m["displayName"] != "Xena Warrior" || m["active"] != true || m["invitationPending"] != false || m["invitationExpiry"] != nil {
		t.Fatalf("accepted %v", m)
	}
	xena := h.login("xena", "xena-pass-1")
	if m := xena.Get("/users/me").Map(t); m["_id"] != id {
		t.Fatalf("logged in as %v", m)
	}
	// A token works once.
	expect(t, accept(map[string]any{"token": token, "userName": "xena2", "displayName": "X", "password": "xena-pass-2"}), http.StatusPreconditionFailed, "already accepted")
	expect(t, h.anon.Post("/invitations/userNameAvailability", map[string]string{"token": token, "userName": "xena"}), http.StatusPreconditionFailed, "already accepted")
}

func TestInvitationExpiryAndWithdrawal(t *testing.T) {
	h := newHarness(t)
	token, user := invite(t, h, map[string]any{"userName": "yuri"})
	if user["userName"] != "yuri" {
		t.Fatalf("invited %v", user)
	}
	h.setNow(time.Now().Add(DefaultInvitationLifetime + time.Hour))
	expect(t, h.anon.Post("/invitations/accept", map[string]any{"token": token, "userName": "yuri", "displayName": "Yuri", "password": "yuri-pass-1"}), http.StatusPreconditionFailed, "expired")
	h.setNow(time.Time{})

	// Withdrawn: the invited user was deleted.
	expect(t, h.admin.Delete("/users/"+user["_id"].(string)), http.StatusNoContent)
	expect(t, h.anon.Post("/invitations/accept", map[string]any{"token": token, "userName": "yuri", "displayName": "Yuri", "password": "yuri-pass-1"}), http.StatusPreconditionFailed, "withdrawn")

	// A login token is no invitation, and the other way round.
	expect(t, h.anon.Post("/invitations/accept", map[string]any{"token": h.admin.Token, "userName": "z", "displayName": "Z", "password": "zzz-pass-1"}), http.StatusUnauthorized, "invalid invitation token")
	token2, _ := invite(t, h, map[string]any{})
	expect(t, h.anon.WithToken(token2).Get("/users/me"), http.StatusUnauthorized, "invalid token")
	// Only admins invite.
	h.seedUser(directory.NewUser{Username: "zoe", Password: "zoe-pass-1"})
	expect(t, h.login("zoe", "zoe-pass-1").Post("/invitations", map[string]any{}), http.StatusForbidden)
	expect(t, h.admin.Post("/invitations", map[string]any{"userName": "zoe"}), http.StatusConflict)
}

func TestAcceptWithJWTSubject(t *testing.T) {
	h := newHarness(t)
	token, user := invite(t, h, map[string]any{})
	r := h.anon.Post("/invitations/accept", map[string]any{"token": token, "userName": "sso-user", "displayName": "SSO", "jwtSubject": "idp|1234"})
	expect(t, r, http.StatusOK)
	if got := h.user(directory.ByID(user["_id"].(string))); got.ExternalID != "idp|1234" || !got.Enabled || got.InvitationPending {
		t.Fatalf("directory %+v", got)
	}
}
