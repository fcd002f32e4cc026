package directorytest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

var concurrencyTests = []test{
	{"SameUsername", testConcurrentSameUsername},
	{"DistinctUsersAndMembers", testConcurrentDistinct},
	{"AllocateID", testConcurrentAllocateID},
	{"ReadersAndWriters", testConcurrentReadersWriters},
}

// parallel runs f(i) for i in [0, n) at once, released together, and
// returns their errors by i.
func parallel(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testConcurrentSameUsername(t *testing.T, e *env) {
	name := e.name(t, "cs")
	ids := make([]string, 100)
	errs := parallel(100, func(i int) error {
		u, err := e.dir.CreateUser(t.Context(), directory.NewUser{
			ParentDN: e.base, Username: name, Surname: "Racer", Description: fmt.Sprint(i),
		})
		if err == nil {
			ids[i] = u.ID
		}
		return err
	})
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, directory.ErrAlreadyExists):
			t.Errorf("create %d of %q: got %v, want success or ErrAlreadyExists", i, name, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of 100 concurrent creates of %q succeeded, want exactly 1", wins, name)
	}
	p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldUsername, name)})
	if p.Total != 1 || len(p.Items) != 1 {
		t.Fatalf("after the race %d users are called %q, want 1", p.Total, name)
	}
	for i, id := range ids {
		if id != "" && (p.Items[0].ID != id || p.Items[0].Description != fmt.Sprint(i)) {
			t.Errorf("the stored user (ID %q, description %q) is not the winner (ID %q, create %d)",
				p.Items[0].ID, p.Items[0].Description, id, i)
		}
	}
}

func testConcurrentDistinct(t *testing.T, e *env) {
	const n = 30
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "cg")})
	names := make([]string, n)
	for i := range names {
		names[i] = e.name(t, fmt.Sprintf("c%02d", i))
	}
	// Every create and every membership lands: no update is lost to a
	// concurrent one (a read-modify-write of the member list would lose
	// some).
	errs := parallel(n, func(i int) error {
		u, err := e.dir.CreateUser(t.Context(), directory.NewUser{ParentDN: e.base, Username: names[i], Surname: "Parallel"})
		if err != nil {
			return err
		}
		return e.dir.AddMember(t.Context(), directory.ByID(g.ID), directory.UserRef(directory.ByID(u.ID)))
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("create and add %q: %v", names[i], err)
		}
	}
	sameSet(t, "users after concurrent creates", usernames(e.searchUsers(t, directory.Query{}).Items), names)
	var want []string
	for _, name := range names {
		want = append(want, directUser(name))
	}
	sameSet(t, "members after concurrent AddMember", e.members(t, directory.ByID(g.ID), false), want)

	errs = parallel(n, func(i int) error {
		return e.dir.RemoveMember(t.Context(), directory.ByID(g.ID), directory.UserRef(directory.ByName(names[i])))
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("remove %q: %v", names[i], err)
		}
	}
	sameSet(t, "members after concurrent RemoveMember", e.members(t, directory.ByID(g.ID), false), nil)
}

func testConcurrentAllocateID(t *testing.T, e *env) {
	const workers, each = 10, 20
	got := make([][]int64, workers)
	errs := parallel(workers, func(i int) error {
		for range each {
			kind := directory.UIDSequence
			if i%2 == 1 {
				kind = directory.GIDSequence
			}
			n, err := e.dir.AllocateID(t.Context(), kind, idRange)
			if err != nil {
				return err
			}
			got[i] = append(got[i], n)
		}
		return nil
	})
	seen := map[string]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("worker %d: AllocateID: %v", i, err)
		}
		kind := directory.UIDSequence
		if i%2 == 1 {
			kind = directory.GIDSequence
		}
		for _, n := range got[i] {
			if !idRange.Contains(n) {
				t.Errorf("AllocateID(%s) = %d, outside %d..%d", kind, n, idRange.Min, idRange.Max)
			}
			key := fmt.Sprintf("%s:%d", kind, n)
			seen[key]++
			if seen[key] == 2 {
				t.Errorf("AllocateID(%s) handed out %d twice", kind, n)
			}
		}
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct numbers for %d allocations", len(seen), workers*each)
	}
}

func testConcurrentReadersWriters(t *testing.T, e *env) {
	const n = 10
	users := make([]*directory.User, n)
	for i := range users {
		users[i] = e.mkUser(t, directory.NewUser{Username: e.name(t, fmt.Sprintf("r%d", i)), Description: "v0"})
	}
	errs := parallel(2*n, func(i int) error {
		u := users[i%n]
		for round := 1; round <= 5; round++ {
			if i < n { // writers
				if _, err := e.dir.UpdateUser(t.Context(), directory.ByID(u.ID), directory.UserPatch{
					Description: directory.Ptr(fmt.Sprintf("v%d", round)),
				}); err != nil {
					return err
				}
				continue
			}
			got, err := e.dir.GetUser(t.Context(), directory.ByID(u.ID))
			if err != nil {
				return err
			}
			if got.Username != u.Username {
				return fmt.Errorf("GetUser(%s) returned %q", u.ID, got.Username)
			}
			if _, err := e.dir.SearchUsers(t.Context(), directory.Query{Base: e.base, Limit: 3,
				Filter: directory.StartsWith(directory.FieldDescription, "v")}); err != nil {
				return err
			}
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
	for _, u := range users {
		if got := e.getUser(t, directory.ByID(u.ID)); got.Description != "v5" {
			t.Errorf("%s: description %q after the last write, want v5", u.Username, got.Description)
		}
	}
}
