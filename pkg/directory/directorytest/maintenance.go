package directorytest

import (
	"context"
	"errors"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

var maintenanceTests = []test{
	{"HealthReconnect", testHealthReconnect},
	{"CancelledContext", testCancelledContext},
}

func testHealthReconnect(t *testing.T, e *env) {
	ctx := t.Context()
	if _, err := directory.ParseDN(e.dir.BaseDN()); err != nil {
		t.Errorf("BaseDN() = %q: %v", e.dir.BaseDN(), err)
	}
	if e.caps.Backend == "" {
		t.Error("Capabilities().Backend is empty")
	}
	h, err := e.dir.Health(ctx)
	must(t, "Health", err)
	if h.Backend == "" || h.Server == "" || h.Latency < 0 {
		t.Errorf("Health = %+v, want a backend, a server and a latency", h)
	}
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "hr")})
	must(t, "Reconnect", e.dir.Reconnect(ctx))
	if got := e.getUser(t, directory.ByID(u.ID)); got.Username != u.Username {
		t.Errorf("after Reconnect GetUser returned %q", got.Username)
	}
}

// cancelled is an error from a call made with a cancelled context.
func cancelled(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) && !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("%s with a cancelled context: got %v, want context.Canceled or ErrUnavailable", what, err)
	}
}

func testCancelledContext(t *testing.T, e *env) {
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "cx")})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := e.dir.GetUser(ctx, directory.ByID(u.ID))
	cancelled(t, "GetUser", err)
	_, err = e.dir.SearchUsers(ctx, directory.Query{Base: e.base})
	cancelled(t, "SearchUsers", err)
	name := e.name(t, "cy")
	_, err = e.dir.CreateUser(ctx, directory.NewUser{ParentDN: e.base, Username: name, Surname: "Late"})
	cancelled(t, "CreateUser", err)
	_, err = e.dir.GetUser(t.Context(), directory.ByName(name))
	wantErr(t, "GetUser of a user created with a cancelled context", err, directory.ErrNotFound)
	cancelled(t, "UpdateUser", func() error {
		_, err := e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Description: directory.Ptr("late")})
		return err
	}())
	if got := e.getUser(t, directory.ByID(u.ID)); got.Description != "" {
		t.Errorf("an update with a cancelled context changed the description to %q", got.Description)
	}
}
