package tokenmemo

import (
	"fmt"
	"sync"
	"testing"
)

func TestMemoRemembersOnlyWhatWasPut(t *testing.T) {
	m := New[string](4)
	if _, ok := m.Get("a.b.c"); ok {
		t.Fatal("an empty memo knows a token")
	}
	m.Put("a.b.c", "claims of a")
	if c, ok := m.Get("a.b.c"); !ok || c != "claims of a" {
		t.Fatalf("Get = %q, %v", c, ok)
	}
	// A token one byte away, as a forger would try, is not known.
	for _, other := range []string{"a.b.C", "a.b.c ", "a.b.", ""} {
		if _, ok := m.Get(other); ok {
			t.Errorf("%q is known after only %q was put", other, "a.b.c")
		}
	}
	m.Forget("a.b.c")
	if _, ok := m.Get("a.b.c"); ok {
		t.Fatal("a forgotten token is still known")
	}
}

func TestMemoIsBounded(t *testing.T) {
	m := New[int](8)
	for i := range 100 {
		m.Put(fmt.Sprint("token", i), i)
		if m.Len() > 8 {
			t.Fatalf("%d tokens held, bound 8", m.Len())
		}
	}
	if _, ok := m.Get("token99"); !ok {
		t.Error("the token put last was dropped")
	}
	m.Put("token99", 99) // again: nothing to evict
	if m.Len() != 8 {
		t.Errorf("%d tokens held after putting a known one, want 8", m.Len())
	}
}

func TestMemoConcurrent(t *testing.T) {
	m := New[int](16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				tok := fmt.Sprint("t", (g*1000+i)%40)
				if c, ok := m.Get(tok); ok && fmt.Sprint("t", c%40) != tok {
					t.Errorf("token %s has the claims of another: %d", tok, c)
					return
				}
				m.Put(tok, g*1000+i)
			}
		})
	}
	wg.Wait()
}
