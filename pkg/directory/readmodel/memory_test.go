package readmodel_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// TestMemoryReleasedOncePerFullLoad: the load's garbage is returned to the
// OS once, when the load is complete and before the model serves — not
// for every streamed change after it.
func TestMemoryReleasedOncePerFullLoad(t *testing.T) {
	var calls atomic.Int64
	readmodel.SetReleaseMemory(t, func() { calls.Add(1) })
	srv := slapd.Start(t, slapd.Options{})
	m, _ := openModel(t, srv, time.Second)
	if n := calls.Load(); n != 1 {
		t.Fatalf("memory released %d times by the time the model serves, want once", n)
	}
	ctx := t.Context()
	base := srv.FreshOU(t)
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "mem", Surname: "M", Password: "Secret-123"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		title := string(rune('a' + i))
		if _, err := m.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Title: &title}); err != nil {
			t.Fatal(err)
		}
	}
	if n, loads := calls.Load(), m.Stats().Loads; n != 1 || loads != 1 {
		t.Errorf("after streamed changes: memory released %d times over %d loads, want once over one", n, loads)
	}
}
