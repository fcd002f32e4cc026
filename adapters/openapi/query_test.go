package openapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

// queryFixture seeds four users beside the admin, with created and
// modified times on both sides of the returned marks.
func queryFixture(t *testing.T, h *harness) (ids map[string]string, between, afterAll time.Time) {
	t.Helper()
	ids = map[string]string{}
	seed := func(in directory.NewUser) {
		ids[in.Username] = h.seedUser(in).ID
	}
	seed(directory.NewUser{Username: "amy", DisplayName: "Amy Adams", Mail: "amy@alpha.example", UserPrincipalName: "amy@corp.example", ExternalID: "e-1"})
	seed(directory.NewUser{Username: "bart", DisplayName: "Bart Simpson", Mail: "bart@beta.example", UserPrincipalName: "bart@corp.example"})
	between = pause()
	seed(directory.NewUser{Username: "cara", DisplayName: "Cara Delevingne", Mail: "cara@alpha.example", ExternalID: "e-3", System: true})
	seed(directory.NewUser{Username: "dan", DisplayName: "Dan Brown", Disabled: true})
	afterAll = pause()
	return ids, between, afterAll
}

// pause returns a moment strictly between what was written before and
// what is written after it, at the directory's one-second precision.
func pause() time.Time {
	time.Sleep(1100 * time.Millisecond)
	mark := time.Now().UTC().Truncate(time.Second)
	time.Sleep(1100 * time.Millisecond)
	return mark
}

// TestQueryLanguage shares one timed fixture between its parts.
func TestQueryLanguage(t *testing.T) {
	h := newHarness(t)
	ids, between, afterAll := queryFixture(t, h)
	t.Run("filters", func(t *testing.T) { testFilterOperators(t, h, ids, between, afterAll) })
	t.Run("sort", func(t *testing.T) { testSortBothWays(t, h) })
	t.Run("fields", func(t *testing.T) { testFieldSelectionOnLists(t, h) })
}

func testFilterOperators(t *testing.T, h *harness, ids map[string]string, between, afterAll time.Time) {
	at := func(tm time.Time) string { return queryEscape(tm.Format(time.RFC3339)) }

	for _, tc := range []struct {
		query string
		want  []string
	}{
		// EQ (case-insensitive on text)
		{"filter[userName][EQ]=bart", []string{"bart"}},
		{"filter[email][EQ]=AMY@alpha.example", []string{"amy"}},
		{"filter[displayName][EQ]=dan%20brown", []string{"dan"}},
		{"filter[unixUserName][EQ]=cara", []string{"cara"}},
		// CO
		{"filter[displayName][CO]=an", []string{"dan"}},
		{"filter[displayName][CO]=a", []string{"admin", "amy", "bart", "cara", "dan"}},
		{"filter[email][CO]=alpha", []string{"amy", "cara"}},
		// SW
		{"filter[userName][SW]=ca", []string{"cara"}},
		{"filter[userPrincipalName][SW]=ba", []string{"bart"}},
		{"filter[displayName][SW]=b", []string{"bart"}},
		// IN: repeated keys and comma lists
		{"filter[_id][IN]=" + ids["amy"] + "&filter[_id][IN]=" + ids["dan"], []string{"amy", "dan"}},
		{"filter[userName][IN]=bart,cara,nobody", []string{"bart", "cara"}},
		{"filter[_id][EQ]=" + ids["cara"], []string{"cara"}},
		// PR
		{"filter[externalId][PR]=true", []string{"amy", "cara"}},
		{"filter[externalId][PR]=false", []string{"admin", "bart", "dan"}},
		{"filter[email][PR]=true", []string{"amy", "bart", "cara"}},
		{"filter[userPrincipalName][PR]=false", []string{"admin", "cara", "dan"}},
		// LT / GT on both timestamps
		{"filter[_created][LT]=" + at(between), []string{"admin", "amy", "bart"}},
		{"filter[_created][GT]=" + at(between), []string{"cara", "dan"}},
		{"filter[_modified][GT]=" + at(between) + "&filter[_modified][LT]=" + at(afterAll), []string{"cara", "dan"}},
		{"filter[_created][GT]=" + at(afterAll), []string{}},
		// booleans
		{"filter[active][EQ]=false", []string{"dan"}},
		{"filter[active][EQ]=true&filter[system][EQ]=false", []string{"admin", "amy", "bart"}},
		{"filter[system][EQ]=true", []string{"cara"}},
		{"filter[invitationPending][EQ]=false&filter[email][CO]=beta", []string{"bart"}},
		{"filter[temporarilyLocked][EQ]=false&filter[userName][SW]=a", []string{"admin", "amy"}},
		// deleted: dirgate keeps no deleted users
		{"filter[deleted][EQ]=notDeletedOnly", []string{"admin", "amy", "bart", "cara", "dan"}},
		{"filter[deleted][EQ]=all&filter[userName][EQ]=amy", []string{"amy"}},
		{"filter[deleted][EQ]=deletedOnly", []string{}},
		{"filter[deleted][GT]=" + at(between), []string{}},
		// several conditions combine with AND
		{"filter[email][CO]=alpha&filter[externalId][PR]=true&filter[system][EQ]=false", []string{"amy"}},
	} {
		r := h.admin.Get("/users?" + tc.query)
		expect(t, r, http.StatusOK)
		got := names(t, r, "userName")
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
		if total := r.Map(t)["totalCount"]; total != float64(len(tc.want)) {
			t.Errorf("%s: totalCount %v, want %d", tc.query, total, len(tc.want))
		}
	}
}

func TestQueryErrors(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct{ query, want string }{
		{"filter[shoeSize][EQ]=43", `unknown filter field \"shoeSize\"`},
		{"filter[userName][LIKE]=a", `operator \"LIKE\" cannot be used on userName`},
		{"filter[active][CO]=t", `operator \"CO\" cannot be used on active`},
		{"filter[_created][EQ]=2024-01-01T00:00:00Z", `operator \"EQ\" cannot be used on _created`},
		{"filter[userName]=a", `malformed filter parameter`},
		{"filter[userName][EQ]=a&filter[userName][EQ]=b", "takes one value"},
		{"filter[userName][EQ]=", "needs a value"},
		{"filter[active][EQ]=maybe", "must be true or false"},
		{"filter[_created][LT]=yesterday", "RFC 3339"},
		{"filter[deleted][EQ]=sometimes", "deletedOnly"},
		{"page[limit]=0", "between 1 and 1000"},
		{"page[limit]=1001", "between 1 and 1000"},
		{"page[limit]=ten", "must be an integer"},
		{"page[offset]=-1", "must not be negative"},
		{"page[size]=10", `unknown paging parameter`},
		{"sort=shoeSize", `cannot sort by \"shoeSize\"`},
		{"sort=-email", `cannot sort by \"email\"`},
		{"fields=userName,password", `unknown field \"password\"`},
		{"excludeFields=secret", `unknown field \"secret\"`},
	} {
		r := h.admin.Do(http.MethodGet, "/users?"+tc.query, openapitest.Request{Invalid: true})
		expect(t, r, http.StatusBadRequest, tc.want)
	}
}

func testSortBothWays(t *testing.T, h *harness) {
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"userName", []string{"admin", "amy", "bart", "cara", "dan"}},
		{"-userName", []string{"dan", "cara", "bart", "amy", "admin"}},
		{"displayName", []string{"admin", "amy", "bart", "cara", "dan"}}, // Administrator, Amy Adams, …
		{"-displayName", []string{"dan", "cara", "bart", "amy", "admin"}},
		{"_created", []string{"admin", "amy", "bart", "cara", "dan"}},
		{"-_created", []string{"dan", "cara", "bart", "amy", "admin"}},
		{"-_modified,userName", []string{"dan", "cara", "bart", "amy", "admin"}},
	} {
		r := h.admin.Get("/users?sort=" + tc.sort)
		expect(t, r, http.StatusOK)
		// Times are whole seconds: entries created in the same second
		// tie, and the tie is broken by userName.
		got := names(t, r, "userName")
		if strings.Contains(tc.sort, "_") {
			got = coarse(got, tc.want)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("sort=%s: %v, want %v", tc.sort, got, tc.want)
		}
	}
}

// coarse accepts an order of time-sorted names that differs from want
// only inside the groups the fixture created within one second.
func coarse(got, want []string) []string {
	groups := [][]string{{"admin", "amy", "bart"}, {"cara", "dan"}}
	rank := func(n string) int {
		for i, g := range groups {
			if slices.Contains(g, n) {
				return i
			}
		}
		return -1
	}
	for i := range got {
		if i >= len(want) || rank(got[i]) != rank(want[i]) {
			return got
		}
	}
	return want
}

func testFieldSelectionOnLists(t *testing.T, h *harness) {
	r := h.admin.Get("/users?fields=userName,email&filter[userName][EQ]=amy")
	var list struct {
		Data []map[string]any `json:"data"`
	}
	r.Decode(t, &list)
	if len(list.Data) != 1 || len(list.Data[0]) != 2 || list.Data[0]["email"] != "amy@alpha.example" {
		t.Fatalf("fields: %s", r.Body)
	}
	r = h.admin.Get("/users?excludeFields=_id,_created,_modified,email&filter[userName][EQ]=amy")
	list.Data = nil
	r.Decode(t, &list)
	for _, k := range []string{"_id", "_created", "_modified", "email"} {
		if _, ok := list.Data[0][k]; ok {
			t.Fatalf("excluded %s is present: %s", k, r.Body)
		}
	}
	if list.Data[0]["userName"] != "amy" {
		t.Fatalf("excludeFields: %s", r.Body)
	}
}

func TestPagingOverAThousandUsers(t *testing.T) {
	h := newHarness(t)
	const n = 1000
	ctx := context.Background()
	for i := range n {
		if _, err := h.domain.CreateUser(ctx, setupCaller, directory.NewUser{Username: fmt.Sprintf("user%04d", i), DisplayName: fmt.Sprintf("User %d", i%10)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sort := range []string{"", "-userName", "displayName"} {
		seen := map[string]int{}
		var order []string
		for offset := 0; ; offset += 97 {
			q := fmt.Sprintf("/users?page[offset]=%d&page[limit]=97&fields=userName", offset)
			if sort != "" {
				q += "&sort=" + sort
			}
			r := h.admin.Get(q)
			expect(t, r, http.StatusOK)
			if total := r.Map(t)["totalCount"]; total != float64(n+1) {
				t.Fatalf("%s: totalCount %v, want %d", q, total, n+1)
			}
			page := names(t, r, "userName")
			for _, name := range page {
				seen[name]++
			}
			order = append(order, page...)
			if len(page) < 97 {
				break
			}
		}
		if len(seen) != n+1 || len(order) != n+1 {
			t.Fatalf("sort=%q: %d distinct users in %d rows, want %d", sort, len(seen), len(order), n+1)
		}
		for name, count := range seen {
			if count != 1 {
				t.Fatalf("sort=%q: %s seen %d times", sort, name, count)
			}
		}
		if sort == "-userName" && (order[0] != "user0999" || order[n] != "admin") {
			t.Fatalf("-userName starts %s and ends %s", order[0], order[n])
		}
	}
	// The largest page.
	r := h.admin.Get("/users?page[limit]=1000&page[offset]=1&fields=_id")
	if got := len(names(t, r, "_id")); got != 1000 {
		t.Fatalf("page[limit]=1000 returned %d", got)
	}
	// Past the end: an empty page, the right total.
	r = h.admin.Get("/users?page[offset]=5000")
	if m := r.Map(t); m["totalCount"] != float64(n+1) || len(m["data"].([]any)) != 0 {
		t.Fatalf("past the end: %s", r.Body)
	}
}
