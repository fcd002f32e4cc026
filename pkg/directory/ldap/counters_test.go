package ldap_test

import (
	"errors"
	"strconv"
	"sync"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestAllocateIDConcurrently: two backend instances (two dirgate
// processes, as far as the directory can tell) allocate 500 uid numbers
// each at the same time, several goroutines each: no number twice, all in
// the range.
func TestAllocateIDConcurrently(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	instances := []directory.Directory{
		open(t, config(srv, slapd.GroupOfNames)),
		open(t, config(srv, slapd.GroupOfNames)),
	}
	const perInstance, workers = 500, 4
	r := directory.Range{Min: 20000, Max: 29999}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for i, d := range instances {
		for range workers {
			wg.Go(func() {
				for range perInstance / workers {
					n, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
					if err != nil {
						t.Errorf("instance %d: AllocateID: %v", i, err)
						return
					}
					mu.Lock()
					seen[n]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if len(seen) != 2*perInstance {
		t.Errorf("%d distinct numbers, want %d", len(seen), 2*perInstance)
	}
	for n, times := range seen {
		if times > 1 {
			t.Errorf("number %d handed out %d times", n, times)
		}
		if !r.Contains(n) {
			t.Errorf("number %d outside %d-%d", n, r.Min, r.Max)
		}
	}
}

// TestAllocateIDSkipsUsedNumbers: numbers entries already hold (made
// before dirgate, or with explicit numbers) are never handed out, and a
// full range says so.
func TestAllocateIDSkipsUsedNumbers(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	d := open(t, config(srv, slapd.GroupOfNames))
	base := srv.FreshOU(t)
	ctx := t.Context()
	for _, n := range []int64{30000, 30001, 30003} {
		_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "u" + itoa(n), Surname: "x",
			UIDNumber: n, GIDNumber: 100, HomeDirectory: "/home/u" + itoa(n)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "g30000", GIDNumber: 30000}); err != nil {
		t.Fatal(err)
	}
	r := directory.Range{Min: 30000, Max: 30004}
	var got []int64
	for {
		n, err := d.AllocateID(ctx, directory.UIDSequence, r)
		if errors.Is(err, directory.ErrRangeExhausted) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if len(got) != 2 || got[0] != 30002 || got[1] != 30004 {
		t.Errorf("allocated %v, want [30002 30004]", got)
	}
	// gid numbers skip groups' numbers only (a user's gidNumber is its
	// primary group, not a group).
	n, err := d.AllocateID(ctx, directory.GIDSequence, directory.Range{Min: 30000, Max: 30010})
	if err != nil || n != 30001 {
		t.Errorf("AllocateID(gid) = %d, %v; want 30001", n, err)
	}
	if _, err := d.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 5, Max: 1}); !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("AllocateID(bad range) = %v, want ErrInvalidInput", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestAllocateIDClaimsBlocks: a process allocating fast claims numbers
// from the counter in blocks, hands them out in order without gaps, and
// another process (or this one restarted) starts after the block the
// first one holds: the unused rest of a block is a gap, never a number
// handed out twice.
func TestAllocateIDClaimsBlocks(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	c := config(srv, slapd.GroupOfNames)
	first, second := open(t, c), open(t, c)
	ctx := t.Context()
	r := directory.Range{Min: 50000, Max: 59999}
	// Allocate until the counter is ahead of the numbers handed out: a
	// block is held. One after another, the second block is claimed
	// within a second of the first, so that is the second allocation
	// unless one takes longer than that.
	var last, counter int64
	for i := int64(0); ; i++ {
		if i == 1000 {
			t.Fatalf("counter at %d after 1,000 allocations: no block was ever claimed ahead", counter)
		}
		n, err := first.AllocateID(ctx, directory.UIDSequence, r)
		if err != nil {
			t.Fatal(err)
		}
		if n != r.Min+i {
			t.Fatalf("allocation %d = %d, want %d: one process's numbers follow each other", i, n, r.Min+i)
		}
		last = n
		if counter = readCounter(t, srv, "cn=uidNumber,"+srv.Suffix); counter > n+1 {
			break
		}
	}
	n, err := second.AllocateID(ctx, directory.UIDSequence, r)
	if err != nil {
		t.Fatal(err)
	}
	if n != counter {
		t.Errorf("the other process's first number = %d, want the counter's %d (past the first's block)", n, counter)
	}
	// The first process goes on with the block it holds.
	m, err := first.AllocateID(ctx, directory.UIDSequence, r)
	if err != nil {
		t.Fatal(err)
	}
	if m != last+1 || m >= n {
		t.Errorf("the first process's next number = %d, want %d from its block", m, last+1)
	}
}

// readCounter reads a counter entry's value directly.
func readCounter(t *testing.T, srv *slapd.Server, dn string) int64 {
	t.Helper()
	conn, err := goldap.DialURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Bind(srv.BindDN, srv.BindPassword); err != nil {
		t.Fatal(err)
	}
	res, err := conn.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"dirgateNextId"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("reading %s: %v", dn, err)
	}
	n, err := strconv.ParseInt(res.Entries[0].GetAttributeValue("dirgateNextId"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
