package openapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
)

// TestOpenAPI runs every case on one slapd and one dirgate: starting them
// is most of the cost, and each case uses names of its own.
func TestOpenAPI(t *testing.T) {
	s := start(t)
	t.Run("document", func(t *testing.T) { testDocument(t, s) })
	t.Run("login", func(t *testing.T) { testLogin(t, s) })
	t.Run("token user", func(t *testing.T) { testTokenUser(t, s) })
	t.Run("must change", func(t *testing.T) { testMustChange(t, s) })
	t.Run("filters", func(t *testing.T) { testFilters(t, s) })
	t.Run("paging", func(t *testing.T) { testPaging(t, s) })
	t.Run("json patch", func(t *testing.T) { testJSONPatch(t, s) })
	t.Run("nested groups", func(t *testing.T) { testNestedGroups(t, s) })
	t.Run("principals", func(t *testing.T) { testPrincipals(t, s) })
	t.Run("logon failures", func(t *testing.T) { testLogonFailures(t, s) })
	t.Run("invitations", func(t *testing.T) { testInvitations(t, s) })
	t.Run("bad input", func(t *testing.T) { testBadInput(t, s) })
	out := s.proc.Output()
	for _, secret := range []string{adminPassword, "Create-Pw-1", "Fresh-Pw-22", "Inv-Pw-777", "Lock-Pw-1", "wrong-password"} {
		if strings.Contains(out, secret) {
			t.Errorf("the password %q appears in dirgate's output", secret)
		}
	}
}

func testDocument(t *testing.T, s *stack) {
	r := s.anon.Get("/openapi.json")
	expect(t, r, http.StatusOK)
	servers := r.Map(t)["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != prefix {
		t.Fatalf("the served document names servers %v, want %s", servers, prefix)
	}
	expect(t, s.anon.Get("/no/such/thing"), http.StatusNotFound, "no such endpoint")
}

func testLogin(t *testing.T, s *stack) {
	id := s.createUser(t, map[string]any{"userName": "l-user", "displayName": "Login User"})
	user := s.login(t, "l-user", "Create-Pw-1")
	if m := user.Get("/users/me").Map(t); m["_id"] != id || m["userName"] != "l-user" {
		t.Fatalf("/users/me = %v", m)
	}
	expect(t, user.Get("/users"), http.StatusForbidden)
	expect(t, user.Get("/groups"), http.StatusForbidden)
	expect(t, user.Post("/login/impersonate", map[string]string{"userId": id}), http.StatusForbidden)
	expect(t, s.anon.Post("/login", map[string]string{"username": "l-user", "password": "wrong-password"}), http.StatusUnauthorized, "invalid username or password")
	expect(t, s.anon.Post("/login", map[string]string{"username": "l-nobody", "password": "wrong-password"}), http.StatusUnauthorized, "invalid username or password")
	expect(t, s.anon.Do(http.MethodGet, "/users/me", openapitest.Request{Invalid: true}), http.StatusUnauthorized)

	r := s.admin.Post("/login/impersonate", map[string]string{"userId": id})
	expect(t, r, http.StatusOK)
	as := s.anon.WithToken(r.Map(t)["token"].(string))
	if m := as.Get("/users/me").Map(t); m["userName"] != "l-user" {
		t.Fatalf("impersonated /users/me = %v", m)
	}
	expect(t, as.Get("/users"), http.StatusForbidden)
}

// testTokenUser: every request re-reads the token's user, first at the DN
// the token carries (a base-object read), by id when it is not there.
func testTokenUser(t *testing.T, s *stack) {
	id := s.createUser(t, map[string]any{"userName": "t-user"})
	user := s.login(t, "t-user", "Create-Pw-1")
	me := func(wantName string) {
		t.Helper()
		r := user.Get("/users/me")
		expect(t, r, http.StatusOK)
		if m := r.Map(t); m["_id"] != id || m["userName"] != wantName {
			t.Fatalf("/users/me = %v, want id %s as %q", m, id, wantName)
		}
	}
	me("t-user")

	// Disabled, and locked by failed logons: refused at once.
	expect(t, s.admin.PatchJSON("/users/"+id, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "disabled or locked")
	expect(t, s.admin.PatchJSON("/users/"+id, []map[string]any{{"op": "replace", "path": "/active", "value": true}}), http.StatusOK)
	me("t-user")
	for range 3 {
		expect(t, s.anon.Post("/login", map[string]string{"username": "t-user", "password": "wrong-password"}), http.StatusUnauthorized)
	}
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "disabled or locked")
	expect(t, s.admin.Delete("/users/"+id+"/logonFailures"), http.StatusNoContent)
	me("t-user")

	// Moved and renamed behind dirgate's back, and another user created
	// at the old DN: the token still names the first one.
	conn := s.ldap.Dial(t)
	if err := conn.Add(&ldap.AddRequest{DN: "ou=t-staff," + base, Attributes: []ldap.Attribute{
		{Type: "objectClass", Vals: []string{"organizationalUnit"}}, {Type: "ou", Vals: []string{"t-staff"}},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := conn.ModifyDN(ldap.NewModifyDNRequest(userDN("t-user"), "uid=t-moved", true, "ou=t-staff,"+base)); err != nil {
		t.Fatal(err)
	}
	me("t-moved")
	otherID := s.createUser(t, map[string]any{"userName": "t-user"})
	if s.entry(t, userDN("t-user")) == nil {
		t.Fatal("no new entry at the old DN")
	}
	me("t-moved")

	// Deleted: the old DN holds another user, the id nothing.
	expect(t, s.admin.Delete("/users/"+id), http.StatusNoContent)
	expect(t, user.Get("/users/me"), http.StatusUnauthorized, "no longer exists")

	// Deleted and created again under the same name and DN: another user,
	// whom the old token does not reach.
	other := s.login(t, "t-user", "Create-Pw-1")
	expect(t, s.admin.Delete("/users/"+otherID), http.StatusNoContent)
	againID := s.createUser(t, map[string]any{"userName": "t-user"})
	if againID == otherID {
		t.Fatalf("the recreated user has the old id %s", againID)
	}
	expect(t, other.Get("/users/me"), http.StatusUnauthorized, "no longer exists")
	if m := s.login(t, "t-user", "Create-Pw-1").Get("/users/me").Map(t); m["_id"] != againID {
		t.Fatalf("recreated /users/me = %v", m)
	}
}

func testMustChange(t *testing.T, s *stack) {
	s.createUser(t, map[string]any{"userName": "m-user", "mustChange": true})
	if e := s.entry(t, userDN("m-user"), "pwdReset"); e.GetAttributeValue("pwdReset") != "TRUE" {
		t.Fatalf("pwdReset = %q", e.GetAttributeValue("pwdReset"))
	}
	expect(t, s.anon.Post("/login", map[string]string{"username": "m-user", "password": "Create-Pw-1"}), http.StatusPreconditionFailed, "must be changed", "/password/change")
	expect(t, s.anon.Post("/password/change", map[string]string{"username": "m-user", "currentPassword": "Create-Pw-1", "newPassword": "Fresh-Pw-22"}), http.StatusOK)
	if e := s.entry(t, userDN("m-user"), "pwdReset"); e.GetAttributeValue("pwdReset") == "TRUE" {
		t.Fatal("pwdReset is still set")
	}
	me := s.login(t, "m-user", "Fresh-Pw-22")
	expect(t, me.Get("/users/me"), http.StatusOK)
}

// pause returns a moment strictly between what was written before and
// after it, at slapd's one-second timestamps.
func pause() string {
	time.Sleep(1100 * time.Millisecond)
	mark := time.Now().UTC().Truncate(time.Second)
	time.Sleep(1100 * time.Millisecond)
	return url.QueryEscape(mark.Format(time.RFC3339))
}

func testFilters(t *testing.T, s *stack) {
	ids := map[string]string{}
	ids["f-amy"] = s.createUser(t, map[string]any{"userName": "f-amy", "displayName": "Amy Adams", "email": "amy@alpha.example", "userPrincipalName": "amy@corp.example", "externalId": "e-1"})
	ids["f-bart"] = s.createUser(t, map[string]any{"userName": "f-bart", "displayName": "Bart Simpson", "email": "bart@beta.example", "userPrincipalName": "bart@corp.example"})
	between := pause()
	ids["f-cara"] = s.createUser(t, map[string]any{"userName": "f-cara", "displayName": "Cara Delevingne", "email": "cara@alpha.example", "externalId": "e-3", "system": true})
	ids["f-dan"] = s.createUser(t, map[string]any{"userName": "f-dan", "displayName": "Dan Brown", "active": false})

	mine := "filter[userName][SW]=f-&"
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"filter[userName][EQ]=f-bart", []string{"f-bart"}},
		{"filter[email][EQ]=AMY@alpha.example", []string{"f-amy"}},
		{mine + "filter[displayName][CO]=an", []string{"f-dan"}},
		{mine + "filter[email][CO]=alpha", []string{"f-amy", "f-cara"}},
		{"filter[userName][SW]=f-c", []string{"f-cara"}},
		{mine + "filter[userPrincipalName][SW]=ba", []string{"f-bart"}},
		{"filter[_id][IN]=" + ids["f-amy"] + "&filter[_id][IN]=" + ids["f-dan"], []string{"f-amy", "f-dan"}},
		{"filter[userName][IN]=f-bart,f-cara,f-nobody", []string{"f-bart", "f-cara"}},
		{mine + "filter[externalId][PR]=true", []string{"f-amy", "f-cara"}},
		{mine + "filter[email][PR]=false", []string{"f-dan"}},
		{mine + "filter[_created][GT]=" + between, []string{"f-cara", "f-dan"}},
		{mine + "filter[_created][LT]=" + between, []string{"f-amy", "f-bart"}},
		{mine + "filter[_modified][GT]=" + between, []string{"f-cara", "f-dan"}},
		{mine + "filter[_modified][LT]=" + between, []string{"f-amy", "f-bart"}},
		{mine + "filter[active][EQ]=false", []string{"f-dan"}},
		{mine + "filter[system][EQ]=true", []string{"f-cara"}},
		{mine + "filter[invitationPending][EQ]=false&filter[temporarilyLocked][EQ]=false&filter[active][EQ]=true", []string{"f-amy", "f-bart", "f-cara"}},
		{mine + "filter[deleted][EQ]=deletedOnly", []string{}},
		{"filter[userName][EQ]=*", []string{}},
		{"filter[userName][CO]=" + url.QueryEscape("*)(uid=*"), []string{}},
	} {
		r := s.admin.Get("/users?" + tc.query + "&sort=userName")
		expect(t, r, http.StatusOK)
		if got := column(t, r, "userName"); !slices.Equal(got, tc.want) || total(t, r) != len(tc.want) {
			t.Errorf("%s: %v (total %d), want %v", tc.query, got, total(t, r), tc.want)
		}
	}

	// Sort both ways, field selection.
	asc := column(t, s.admin.Get("/users?"+mine+"sort=displayName"), "userName")
	desc := column(t, s.admin.Get("/users?"+mine+"sort=-displayName"), "userName")
	if !slices.Equal(asc, []string{"f-amy", "f-bart", "f-cara", "f-dan"}) || !slices.Equal(desc, []string{"f-dan", "f-cara", "f-bart", "f-amy"}) {
		t.Errorf("sort=displayName %v, -displayName %v", asc, desc)
	}
	// Newest first, ties (slapd keeps whole seconds) broken by userName.
	r := s.admin.Get("/users?" + mine + "sort=-_created,userName&fields=userName,_created")
	names, created := column(t, r, "userName"), column(t, r, "_created")
	if len(names) != 4 || !sameSet(names[:2], "f-cara", "f-dan") || !sameSet(names[2:], "f-amy", "f-bart") {
		t.Errorf("sort=-_created,userName %v", names)
	}
	at := func(i int) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, created[i])
		if err != nil {
			t.Fatalf("_created %q: %v", created[i], err)
		}
		return tm
	}
	for i := 1; i < len(names); i++ {
		if at(i-1).Before(at(i)) || at(i-1).Equal(at(i)) && names[i-1] > names[i] {
			t.Errorf("sort=-_created,userName: %s (%s) before %s (%s)", names[i-1], created[i-1], names[i], created[i])
		}
	}
	var sel struct {
		Data []map[string]any `json:"data"`
	}
	s.admin.Get("/users?filter[userName][EQ]=f-amy&fields=userName,email").Decode(t, &sel)
	if len(sel.Data) != 1 || len(sel.Data[0]) != 2 || sel.Data[0]["email"] != "amy@alpha.example" {
		t.Errorf("fields: %v", sel.Data)
	}
	sel.Data = nil
	s.admin.Get("/users?filter[userName][EQ]=f-amy&excludeFields=email,_id").Decode(t, &sel)
	if _, ok := sel.Data[0]["email"]; ok || sel.Data[0]["_id"] != nil || sel.Data[0]["userName"] != "f-amy" {
		t.Errorf("excludeFields: %v", sel.Data)
	}
	expect(t, s.admin.Do(http.MethodGet, "/users?filter[shoeSize][EQ]=1", openapitest.Request{Invalid: true}), http.StatusBadRequest, "shoeSize")
	expect(t, s.admin.Do(http.MethodGet, "/users?filter[userName][XX]=1", openapitest.Request{Invalid: true}), http.StatusBadRequest, "XX")
}

func testPaging(t *testing.T, s *stack) {
	const limit = 97
	for _, sort := range []string{"userName", "-userName", "displayName"} {
		seen := map[string]int{}
		pages := 0
		for offset := 0; ; offset += limit {
			r := s.admin.Get(fmt.Sprintf("/users?filter[userName][SW]=bulk&page[offset]=%d&page[limit]=%d&sort=%s&fields=userName", offset, limit, sort))
			expect(t, r, http.StatusOK)
			if n := total(t, r); n != seeded {
				t.Fatalf("totalCount %d, want %d", n, seeded)
			}
			page := column(t, r, "userName")
			for _, name := range page {
				seen[name]++
			}
			pages++
			if len(page) < limit {
				break
			}
		}
		if len(seen) != seeded || pages != seeded/limit+1 {
			t.Fatalf("sort=%s: %d distinct users over %d pages", sort, len(seen), pages)
		}
		for name, n := range seen {
			if n != 1 {
				t.Fatalf("sort=%s: %s seen %d times", sort, name, n)
			}
		}
	}
	first := column(t, s.admin.Get("/users?filter[userName][SW]=bulk&sort=-userName&page[limit]=2&fields=userName"), "userName")
	if !slices.Equal(first, []string{"bulk0999", "bulk0998"}) {
		t.Fatalf("-userName starts with %v", first)
	}
	big := s.admin.Get("/users?filter[userName][SW]=bulk&page[limit]=1000&fields=_id")
	if n := len(column(t, big, "_id")); n != seeded {
		t.Fatalf("page[limit]=1000 returned %d", n)
	}
}

func testJSONPatch(t *testing.T, s *stack) {
	id := s.createUser(t, map[string]any{"userName": "p-user", "displayName": "Patch", "email": "p@example.com"})
	r := s.admin.PatchJSON("/users/"+id, []map[string]any{
		{"op": "replace", "path": "/displayName", "value": "Patched User"},
		{"op": "add", "path": "/externalId", "value": "ext-p"},
		{"op": "remove", "path": "/email"},
		{"op": "replace", "path": "/userName", "value": "p-user2"},
	})
	expect(t, r, http.StatusOK)
	e := s.entry(t, userDN("p-user2"), "displayName", "mail", "dirgateExternalId")
	if e == nil || e.GetAttributeValue("displayName") != "Patched User" || e.GetAttributeValue("mail") != "" || e.GetAttributeValue("dirgateExternalId") != "ext-p" {
		t.Fatalf("entry after patch: %v", e)
	}
	if s.entry(t, userDN("p-user")) != nil {
		t.Fatal("the old DN is still there")
	}
	// An invalid operation anywhere: nothing changes.
	r = s.admin.Do(http.MethodPatch, "/users/"+id, openapitest.Request{ContentType: "application/json-patch+json", Invalid: true, JSON: []map[string]any{
		{"op": "replace", "path": "/displayName", "value": "Must Not Stick"},
		{"op": "test", "path": "/displayName", "value": "x"},
	}})
	expect(t, r, http.StatusBadRequest, "not supported")
	if got := s.entry(t, userDN("p-user2"), "displayName").GetAttributeValue("displayName"); got != "Patched User" {
		t.Fatalf("a refused patch changed displayName to %q", got)
	}
	// Group patch.
	gid := s.createGroup(t, "p-group")
	expect(t, s.admin.PatchJSON("/groups/"+gid, []map[string]any{{"op": "replace", "path": "/name", "value": "p-group2"}, {"op": "add", "path": "/externalId", "value": "gx"}}), http.StatusOK)
	if s.entry(t, "cn=p-group2,ou=groups,"+base) == nil {
		t.Fatal("the group was not renamed")
	}
}

type member struct{ MembershipType, PrincipalType, ID, Name string }

func members(t *testing.T, r *openapitest.Response) []member {
	t.Helper()
	expect(t, r, http.StatusOK)
	var out []member
	r.Decode(t, &out)
	return out
}

func testNestedGroups(t *testing.T, s *stack) {
	uid := s.createUser(t, map[string]any{"userName": "n-uma"})
	outer, inner := s.createGroup(t, "n-outer"), s.createGroup(t, "n-inner")
	expect(t, s.admin.Do(http.MethodPatch, "/groups/"+inner+"/members", openapitest.Request{JSON: []map[string]any{{"op": "add", "name": "n-uma", "principalType": "User"}}}), http.StatusOK)
	expect(t, s.admin.Do(http.MethodPatch, "/groups/"+outer+"/members", openapitest.Request{JSON: []map[string]any{{"op": "add", "id": inner, "principalType": "Group"}}}), http.StatusOK)

	got := members(t, s.admin.Get("/groups/"+outer+"/members"))
	want := []member{{"direct", "Group", inner, "n-inner"}, {"indirect", "User", uid, "n-uma"}}
	if !slices.Equal(got, want) {
		t.Fatalf("members of n-outer %v, want %v", got, want)
	}
	if got := members(t, s.admin.Get("/groups/"+outer+"/members?filter[membershipType][EQ]=direct")); !slices.Equal(got, want[:1]) {
		t.Fatalf("direct members %v", got)
	}
	groups := members(t, s.admin.Get("/users/"+uid+"/groups"))
	if !slices.Equal(groups, []member{{"direct", "", inner, "n-inner"}, {"indirect", "", outer, "n-outer"}}) {
		t.Fatalf("n-uma's groups %v", groups)
	}
	if got := members(t, s.admin.Get("/users/"+uid+"/groups?filter[membershipType][EQ]=indirect")); len(got) != 1 || got[0].Name != "n-outer" {
		t.Fatalf("indirect groups %v", got)
	}
	if got := members(t, s.admin.Get("/groups/"+inner+"/groups")); len(got) != 1 || got[0].Name != "n-outer" || got[0].MembershipType != "direct" {
		t.Fatalf("n-inner's groups %v", got)
	}
	if got := members(t, s.admin.Get("/principals/"+uid+"/groups")); len(got) != 2 {
		t.Fatalf("principal groups %v", got)
	}
	// A batch with a bad operation changes nothing.
	r := s.admin.Do(http.MethodPatch, "/groups/"+inner+"/members", openapitest.Request{JSON: []map[string]any{
		{"op": "remove", "id": uid}, {"op": "remove", "name": "n-nobody"},
	}})
	expect(t, r, http.StatusNotFound)
	if e := s.entry(t, "cn=n-inner,ou=groups,"+base, "member"); !slices.Contains(e.GetAttributeValues("member"), userDN("n-uma")) {
		t.Fatalf("a refused batch removed the member: %v", e.GetAttributeValues("member"))
	}
}

func testPrincipals(t *testing.T, s *stack) {
	for _, u := range [][2]string{{"q-ann", "Q Anna"}, {"q-cal", "Q Carl"}} {
		s.createUser(t, map[string]any{"userName": u[0], "displayName": u[1]})
	}
	for _, g := range []string{"q bees", "q dogs"} {
		s.createGroup(t, g)
	}
	filter := "filter[displayName][SW]=" + url.QueryEscape("Q ")
	all := s.admin.Get("/principals?" + filter)
	if got := column(t, all, "name"); !slices.Equal(got, []string{"q-ann", "q-cal", "q bees", "q dogs"}) || total(t, all) != 4 {
		t.Fatalf("principals %v", got)
	}
	sorted := []string{"q-ann", "q bees", "q-cal", "q dogs"}
	for _, sort := range []string{"displayName", "-displayName"} {
		want := slices.Clone(sorted)
		if sort[0] == '-' {
			slices.Reverse(want)
		}
		var got []string
		for offset := 0; offset < 4; offset += 3 {
			r := s.admin.Get(fmt.Sprintf("/principals?%s&sort=%s&page[offset]=%d&page[limit]=3", filter, sort, offset))
			got = append(got, column(t, r, "name")...)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("sort=%s: %v, want %v", sort, got, want)
		}
	}
	types := column(t, s.admin.Get("/principals?"+filter+"&page[offset]=1&page[limit]=2"), "_type")
	if !slices.Equal(types, []string{"User", "Group"}) {
		t.Fatalf("a page across users and groups: %v", types)
	}
	if got := column(t, s.admin.Get("/principals?"+filter+"&filter[_type][EQ]=Group"), "name"); !slices.Equal(got, []string{"q bees", "q dogs"}) {
		t.Fatalf("groups only: %v", got)
	}
}

func testLogonFailures(t *testing.T, s *stack) {
	id := s.createUser(t, map[string]any{"userName": "k-user", "password": "Lock-Pw-1"})
	for range 3 {
		expect(t, s.anon.Post("/login", map[string]string{"username": "k-user", "password": "wrong-password"}), http.StatusUnauthorized)
	}
	expect(t, s.anon.Post("/login", map[string]string{"username": "k-user", "password": "Lock-Pw-1"}), http.StatusUnauthorized, "locked")
	if m := s.admin.Get("/users/" + id).Map(t); m["temporarilyLocked"] != true || m["active"] != false || m["inactiveReason"] != "tooManyFailedLogons" {
		t.Fatalf("locked user %v", m)
	}
	if e := s.entry(t, userDN("k-user"), "pwdAccountLockedTime"); e.GetAttributeValue("pwdAccountLockedTime") == "" {
		t.Fatal("slapd has no lock")
	}
	expect(t, s.admin.Delete("/users/"+id+"/logonFailures"), http.StatusNoContent)
	if e := s.entry(t, userDN("k-user"), "pwdAccountLockedTime", "pwdFailureTime"); e.GetAttributeValue("pwdAccountLockedTime") != "" || len(e.GetAttributeValues("pwdFailureTime")) != 0 {
		t.Fatalf("lock or failures left: %v", e)
	}
	s.login(t, "k-user", "Lock-Pw-1")
}

func testInvitations(t *testing.T, s *stack) {
	s.createUser(t, map[string]any{"userName": "i-taken"})
	r := s.admin.Post("/invitations", map[string]any{"email": "i@example.com"})
	expect(t, r, http.StatusCreated)
	var inv struct {
		Token string         `json:"token"`
		User  map[string]any `json:"user"`
	}
	r.Decode(t, &inv)
	placeholder := inv.User["userName"].(string)
	if inv.User["active"] != false || inv.User["invitationPending"] != true {
		t.Fatalf("invited %v", inv.User)
	}
	if e := s.entry(t, userDN(placeholder), "dirgateInvitationPending", "pwdAccountLockedTime"); e.GetAttributeValue("dirgateInvitationPending") != "TRUE" || e.GetAttributeValue("pwdAccountLockedTime") == "" {
		t.Fatalf("invited entry %v", e)
	}
	if e := s.entry(t, userDN(placeholder), "homeDirectory"); e.GetAttributeValue("homeDirectory") != "/home/"+placeholder {
		t.Fatalf("the invitee's placeholder home is %q", e.GetAttributeValue("homeDirectory"))
	}
	avail := func(name string) bool {
		r := s.anon.Post("/invitations/userNameAvailability", map[string]string{"token": inv.Token, "userName": name})
		expect(t, r, http.StatusOK)
		return r.Map(t)["available"].(bool)
	}
	if !avail("i-new") || avail("i-taken") {
		t.Fatal("availability is wrong")
	}
	r = s.anon.Post("/invitations/accept", map[string]any{"token": inv.Token, "userName": "i-new", "displayName": "Invited Person", "password": "Inv-Pw-777"})
	expect(t, r, http.StatusOK)
	if m := r.Map(t); m["active"] != true || m["userName"] != "i-new" || m["invitationPending"] != false {
		t.Fatalf("accepted %v", m)
	}
	// The home follows the chosen name: nobody logs in as the placeholder.
	if e := s.entry(t, userDN("i-new"), "homeDirectory"); e.GetAttributeValue("homeDirectory") != "/home/i-new" {
		t.Errorf("after accepting as i-new the home is %q, want /home/i-new", e.GetAttributeValue("homeDirectory"))
	}
	me := s.login(t, "i-new", "Inv-Pw-777")
	if m := me.Get("/users/me").Map(t); m["displayName"] != "Invited Person" || m["email"] != "i@example.com" {
		t.Fatalf("/users/me %v", m)
	}
	expect(t, s.anon.Post("/invitations/accept", map[string]any{"token": inv.Token, "userName": "i-again", "displayName": "x", "password": "Inv-Pw-777"}), http.StatusPreconditionFailed, "already accepted")
}

func testBadInput(t *testing.T, s *stack) {
	// Names with LDAP metacharacters are names, escaped where used.
	weird := `b*(x)\,=+<>#;"q`
	id := s.createUser(t, map[string]any{"userName": weird, "displayName": weird})
	r := s.admin.Get("/users?filter[userName][EQ]=" + url.QueryEscape(weird))
	if got := column(t, r, "_id"); !slices.Equal(got, []string{id}) {
		t.Fatalf("filter by %q: %v", weird, got)
	}
	if s.entry(t, userDN(weird)) == nil {
		t.Fatal("the entry is not where its escaped DN says")
	}
	s.login(t, weird, "Create-Pw-1")

	before := total(t, s.admin.Get("/users?page[limit]=1"))
	for _, body := range []string{
		`{"userName":"b-x","password":"Create-Pw-1","displayName":"nul\u0000"}`,
		`{"userName":"b-\u0000x","password":"Create-Pw-1"}`,
		`{"userName":["b-x"],"password":"Create-Pw-1"}`,
		`{"userName":"b-x","password":"Create-Pw-1"`,
		`{"userName":"b-x","password":"Create-Pw-1","role":"admin"}`,
	} {
		expect(t, s.admin.Do(http.MethodPost, "/users", openapitest.Request{Raw: []byte(body), Invalid: true}), http.StatusBadRequest)
	}
	huge := `{"userName":"b-huge","password":"Create-Pw-1","displayName":"` + strings.Repeat("x", 2<<20) + `"}`
	expect(t, s.admin.Do(http.MethodPost, "/users", openapitest.Request{Raw: []byte(huge)}), http.StatusRequestEntityTooLarge)
	if after := total(t, s.admin.Get("/users?page[limit]=1")); after != before {
		t.Fatalf("bad input changed the number of users: %d → %d", before, after)
	}
	expect(t, s.admin.Get("/users/"+url.PathEscape("*")), http.StatusNotFound)
	expect(t, s.admin.Get("/groups/"+url.PathEscape("cn=oa-admins,ou=groups,"+base)), http.StatusNotFound)
}

func sameSet(got []string, want ...string) bool {
	return slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))
}
