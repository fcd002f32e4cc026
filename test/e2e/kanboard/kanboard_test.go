package kanboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestKanboard runs every case on one slapd and one dirgate: starting them
// is most of the cost, and each case uses names of its own.
func TestKanboard(t *testing.T) {
	s := start(t)
	t.Run("procedures", func(t *testing.T) { testProcedures(t, s) })
	t.Run("createLdapUser", func(t *testing.T) { testCreateLDAPUser(t, s) })
	t.Run("auth", func(t *testing.T) { testAuth(t, s) })
	t.Run("protocol", func(t *testing.T) { testProtocol(t, s) })
	t.Run("bad input", func(t *testing.T) { testBadInput(t, s) })
	t.Run("python client", func(t *testing.T) { testPythonClient(t, s) })
	if out := s.proc.Output(); strings.Contains(out, "Secret-Pw-1") || strings.Contains(out, s.token) {
		t.Errorf("a password or the token appears in dirgate's output")
	}
}

func testProcedures(t *testing.T, s *stack) {
	tok := random(6)
	admin, manager, plain := "kb-admin-"+tok, "kb-manager-"+tok, "kb-user-"+tok

	wantResult(t, "getUserByName(absent)", s.call(t, "getUserByName", map[string]any{"username": plain}), "null")

	// Positional createUser, one per role.
	ids := map[string]int64{}
	for _, c := range []struct{ name, role string }{{admin, "app-admin"}, {manager, "app-manager"}, {plain, "app-user"}} {
		ids[c.name] = s.callInt(t, "createUser", []any{c.name, "Secret-Pw-1", "Name " + c.name, c.name + "@example.org", c.role})
	}
	for name, id := range ids {
		e := s.entry(t, userDN(name), "uidNumber", "mail")
		if e == nil || e.GetAttributeValue("uidNumber") != fmt.Sprint(id) || e.GetAttributeValue("mail") != name+"@example.org" {
			t.Errorf("directory entry of %s: %v, want uidNumber %d", name, e, id)
		}
	}
	if !s.isMember(t, "kanboard-admins", userDN(admin)) || s.isMember(t, "kanboard-admins", userDN(manager)) {
		t.Errorf("kanboard-admins members are wrong")
	}
	if !s.isMember(t, "kanboard-managers", userDN(manager)) || s.isMember(t, "kanboard-managers", userDN(plain)) {
		t.Errorf("kanboard-managers members are wrong")
	}

	// Named createUser with only the required arguments.
	named := "kb-named-" + tok
	namedID := s.callInt(t, "createUser", map[string]any{"username": named, "password": "123456"})
	got := s.getUser(t, map[string]any{"user_id": namedID})
	want := user{ID: fmt.Sprint(namedID), Username: named, Role: "app-user", IsLDAPUser: "0",
		NotificationsEnabled: "0", IsActive: "1"}
	if got == nil || *got != want {
		t.Errorf("getUser(%d) = %+v, want %+v", namedID, got, want)
	}
	byName := s.call(t, "getUserByName", map[string]any{"username": manager})
	var m user
	_ = json.Unmarshal(byName, &m)
	if m.ID != fmt.Sprint(ids[manager]) || m.Role != "app-manager" || m.Name != "Name "+manager || m.Email != manager+"@example.org" {
		t.Errorf("getUserByName(%s) = %s", manager, byName)
	}
	if strings.Contains(string(byName), "password") {
		t.Errorf("getUserByName returns a password field: %s", byName)
	}

	// Validation failures are false and create nothing.
	for what, params := range map[string]any{
		"duplicate username": []any{plain, "Secret-Pw-1"},
		"short password":     []any{"kb-short-" + tok, "12345"},
		"bad email":          []any{"kb-mail-" + tok, "Secret-Pw-1", "", "not an address"},
		"bad role":           []any{"kb-role-" + tok, "Secret-Pw-1", "", "", "app-root"},
		"long username":      []any{strings.Repeat("x", 192), "Secret-Pw-1"},
	} {
		wantResult(t, "createUser("+what+")", s.call(t, "createUser", params), "false")
	}
	for _, name := range []string{"kb-short-" + tok, "kb-mail-" + tok, "kb-role-" + tok} {
		if s.entry(t, userDN(name)) != nil {
			t.Errorf("refused createUser left %s behind", name)
		}
	}

	// getAllUsers without a params key, ordered by username.
	var all []user
	if err := json.Unmarshal(s.call(t, "getAllUsers", nil), &all); err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, u := range all {
		if strings.HasSuffix(u.Username, tok) {
			mine = append(mine, u.Username)
		}
	}
	if wantNames := []string{admin, manager, plain, named}; !slices.Equal(mine, sortedCopy(wantNames)) {
		t.Errorf("getAllUsers names = %v, want %v", mine, sortedCopy(wantNames))
	}

	// disable, isActiveUser, enable.
	id := map[string]any{"user_id": ids[plain]}
	wantResult(t, "disableUser", s.call(t, "disableUser", id), "true")
	wantResult(t, "isActiveUser(disabled)", s.call(t, "isActiveUser", id), "false")
	if e := s.entry(t, userDN(plain), "pwdAccountLockedTime"); e.GetAttributeValue("pwdAccountLockedTime") == "" {
		t.Errorf("disableUser left no pwdAccountLockedTime on %s", plain)
	}
	if u := s.getUser(t, id); u.IsActive != "0" {
		t.Errorf("getUser after disable: is_active %q", u.IsActive)
	}
	wantResult(t, "enableUser", s.call(t, "enableUser", id), "true")
	wantResult(t, "isActiveUser(enabled)", s.call(t, "isActiveUser", id), "true")

	// Named updateUser (note "id", not "user_id").
	wantResult(t, "updateUser(name)", s.call(t, "updateUser", map[string]any{"id": ids[plain], "name": "New Name"}), "true")
	if u := s.getUser(t, id); u.Name != "New Name" || u.Username != plain || u.Email != plain+"@example.org" {
		t.Errorf("after updateUser(name): %+v", u)
	}
	if e := s.entry(t, userDN(plain), "displayName"); e.GetAttributeValue("displayName") != "New Name" {
		t.Errorf("directory displayName = %q", e.GetAttributeValue("displayName"))
	}
	renamed := "kb-renamed-" + tok
	wantResult(t, "updateUser(username, role)", s.call(t, "updateUser",
		map[string]any{"id": ids[plain], "username": renamed, "role": "app-admin"}), "true")
	if u := s.getUser(t, id); u.Username != renamed || u.Role != "app-admin" {
		t.Errorf("after updateUser(username, role): %+v", u)
	}
	if s.entry(t, userDN(renamed)) == nil || !s.isMember(t, "kanboard-admins", userDN(renamed)) {
		t.Errorf("rename or role not in the directory")
	}
	wantResult(t, "updateUser(taken username)", s.call(t, "updateUser", map[string]any{"id": ids[plain], "username": admin}), "false")
	// Kanboard's UPDATE of no row succeeds: an unknown id is true once
	// the values pass its validator.
	wantResult(t, "updateUser(unknown id) is true", s.call(t, "updateUser", map[string]any{"id": 999999, "name": "x"}), "true")
	wantResult(t, "updateUser(unknown id, taken username)", s.call(t, "updateUser", map[string]any{"id": 999999, "username": admin}), "false")

	// removeUser.
	wantResult(t, "removeUser", s.call(t, "removeUser", map[string]any{"user_id": ids[manager]}), "true")
	if s.entry(t, userDN(manager)) != nil || s.isMember(t, "kanboard-managers", userDN(manager)) {
		t.Errorf("removeUser left %s in the directory", manager)
	}
	wantResult(t, "getUser(removed)", s.call(t, "getUser", map[string]any{"user_id": ids[manager]}), "null")
	wantResult(t, "removeUser(again)", s.call(t, "removeUser", []any{ids[manager]}), "false")
	for m, want := range map[string]string{"disableUser": "true", "enableUser": "true", "isActiveUser": "false"} {
		wantResult(t, m+"(unknown) as Kanboard's UserModel", s.call(t, m, []any{999999}), want)
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

func testCreateLDAPUser(t *testing.T, s *stack) {
	const staff = "uid=jane.staff,ou=staff," + base
	wantResult(t, "getUserByName(unregistered)", s.call(t, "getUserByName", []any{"jane.staff"}), "null")
	wantResult(t, "createLdapUser(absent)", s.call(t, "createLdapUser", []any{"nobody-" + random(6)}), "false")

	wantResult(t, "createLdapUser", s.call(t, "createLdapUser", map[string]any{"username": "jane.staff"}), "20001")
	u := s.getUser(t, []any{20001})
	if u == nil || u.Username != "jane.staff" || u.IsLDAPUser != "1" || u.Name != "Jane Staff" || u.Email != "jane.staff@example.com" || u.Role != "app-user" {
		t.Errorf("registered user = %+v", u)
	}
	if !s.isMember(t, "kanboard-ldap-users", staff) {
		t.Errorf("jane.staff is not in kanboard-ldap-users")
	}
	wantResult(t, "createLdapUser(again)", s.call(t, "createLdapUser", []any{"jane.staff"}), "false")

	// removeUser unregisters; the directory account stays.
	wantResult(t, "removeUser(registered)", s.call(t, "removeUser", []any{20001}), "true")
	if s.entry(t, staff) == nil {
		t.Errorf("removeUser deleted the directory account of a registered user")
	}
	if s.isMember(t, "kanboard-ldap-users", staff) {
		t.Errorf("removeUser left jane.staff registered")
	}
	wantResult(t, "getUser(unregistered)", s.call(t, "getUser", []any{20001}), "null")

	// An account without a uidNumber gets one (Kanboard names users by id).
	// Its name is its displayName, which it has none of (cn is not read).
	const nonum = "uid=nonum.staff,ou=staff," + base
	id := s.callInt(t, "createLdapUser", []any{"nonum.staff"})
	if e := s.entry(t, nonum, "uidNumber"); e.GetAttributeValue("uidNumber") != fmt.Sprint(id) {
		t.Errorf("nonum.staff: uidNumber %q, createLdapUser answered %d", e.GetAttributeValue("uidNumber"), id)
	}
	if u := s.getUser(t, []any{id}); u == nil || u.Username != "nonum.staff" || u.IsLDAPUser != "1" || u.Name != "" {
		t.Errorf("getUser(nonum.staff) = %+v", u)
	}
}

const (
	unauthorized = `{"jsonrpc":"2.0","error":{"code":401,"message":"Unauthorized"},"id":null}`
	forbidden    = `{"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}`
)

func testAuth(t *testing.T, s *stack) {
	tok := random(6)
	call := `{"jsonrpc":"2.0","method":"getAllUsers","id":7}`

	a := s.post(t, "jsonrpc", s.token+"x", call)
	wantBody(t, "wrong token", a, http.StatusUnauthorized, unauthorized)
	if got := a.header.Get("WWW-Authenticate"); got != `Basic realm="JsonRPC"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	wantBody(t, "no credentials", s.post(t, "", "", call), http.StatusUnauthorized, unauthorized)
	// A batch is replaced as a whole.
	wantBody(t, "wrong token, batch", s.post(t, "jsonrpc", "nope", "["+call+","+call+"]"), http.StatusUnauthorized, unauthorized)

	// Directory users' own credentials.
	plain, admin := "kb-auth-user-"+tok, "kb-auth-admin-"+tok
	s.callInt(t, "createUser", []any{plain, "Secret-Pw-1", "", "", "app-user"})
	s.callInt(t, "createUser", []any{admin, "Secret-Pw-1", "", "", "app-admin"})
	wantBody(t, "app-user credentials", s.post(t, plain, "Secret-Pw-1", call), http.StatusForbidden, forbidden)
	wantBody(t, "app-user wrong password", s.post(t, plain, "Wrong-Pw-1", call), http.StatusUnauthorized, unauthorized)
	a = s.post(t, admin, "Secret-Pw-1", `{"jsonrpc":"2.0","method":"getUserByName","id":8,"params":["`+plain+`"]}`)
	if a.status != http.StatusOK || !strings.Contains(a.body, `"username":"`+plain+`"`) {
		t.Errorf("app-admin credentials: HTTP %d %s", a.status, a.body)
	}
	// The quick start's own admin user is not here; jane.staff is a
	// directory user without a role: 403 too.
	wantBody(t, "unregistered directory user", s.post(t, "jane.staff", "Jane-Staff-Pw1", call), http.StatusForbidden, forbidden)
}

func testProtocol(t *testing.T, s *stack) {
	const parse = `{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`
	const invalid = `{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}`
	params := func(id int, data string) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":%q},"id":%d}`, data, id)
	}
	for _, c := range []struct{ name, body, want string }{
		{"malformed JSON", `{"jsonrpc":"2.0","method":"getAllUsers","id":1`, parse},
		{"not an object", `42`, parse},
		{"empty array", `[]`, invalid},
		// The library's JsonFormatValidator, per batch member.
		{"[1] is a parse error per member", `[1]`, "[" + parse + "]"},
		{"[1,2,3] is a parse error per member", `[1,2,3]`, "[" + parse + "," + parse + "," + parse + "]"},
		{"an object id is echoed as given", `{"jsonrpc":"2.0","method":"getUser","params":[999999],"id":{"seq":1}}`,
			`{"jsonrpc":"2.0","result":null,"id":{"seq":1}}`},
		{"an empty method name is not found", `{"jsonrpc":"2.0","method":"","id":8}`,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":8}`},
		{"no version", `{"method":"getAllUsers","id":1}`, invalid},
		{"method not a string", `{"jsonrpc":"2.0","method":1,"id":1}`, invalid},
		{"params a string", `{"jsonrpc":"2.0","method":"getUser","params":"1","id":1}`, invalid},
		{"unknown method", `{"jsonrpc":"2.0","method":"getProjectById","id":"a"}`,
			`{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"a"}`},
		{"case-insensitive method", `{"jsonrpc":"2.0","method":"GETUSER","params":[999999],"id":2}`,
			`{"jsonrpc":"2.0","result":null,"id":2}`},
		{"too few", `{"jsonrpc":"2.0","method":"getUser","id":3}`, params(3, "Wrong number of arguments")},
		{"too many", `{"jsonrpc":"2.0","method":"getUser","params":[1,2],"id":4}`, params(4, "Too many arguments")},
		{"missing named", `{"jsonrpc":"2.0","method":"getUser","params":{"id":1},"id":5}`, params(5, "Missing argument: user_id")},
		{"unknown named counts", `{"jsonrpc":"2.0","method":"getUser","params":{"user_id":1,"x":2},"id":6}`, params(6, "Too many arguments")},
		{"updateUser wants id", `{"jsonrpc":"2.0","method":"updateUser","params":{"user_id":1},"id":7}`, params(7, "Missing argument: id")},
	} {
		wantBody(t, c.name, s.app(t, c.body), http.StatusOK, c.want)
	}

	// A mixed batch: answers in request order, the notification silent.
	tok := random(6)
	note := "kb-note-" + tok
	a := s.app(t, `[
		{"jsonrpc":"2.0","method":"getUserByName","params":["absent-`+tok+`"],"id":1},
		{"jsonrpc":"2.0","method":"createUser","params":["`+note+`","Secret-Pw-1"]},
		{"foo":"bar"},
		{"jsonrpc":"2.0","method":"nope","id":3},
		{"jsonrpc":"2.0","method":"getUser","id":4}
	]`)
	wantBody(t, "mixed batch", a, http.StatusOK, "["+`{"jsonrpc":"2.0","result":null,"id":1},`+invalid+
		`,{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":3},`+params(4, "Wrong number of arguments")+"]")
	if s.entry(t, userDN(note)) == nil {
		t.Errorf("the notification in the batch did not run")
	}

	// Notifications only: HTTP 200 and an empty body, and they ran.
	note2 := "kb-note2-" + tok
	a = s.app(t, `[{"jsonrpc":"2.0","method":"createUser","params":["`+note2+`","Secret-Pw-1"]},{"jsonrpc":"2.0","method":"getAllUsers","id":null}]`)
	wantBody(t, "all-notification batch", a, http.StatusOK, "")
	if s.entry(t, userDN(note2)) == nil {
		t.Errorf("the notification batch did not run")
	}
	wantBody(t, "single notification", s.app(t, `{"jsonrpc":"2.0","method":"getAllUsers"}`), http.StatusOK, "")
	wantBody(t, "notification to an unknown method", s.app(t, `{"jsonrpc":"2.0","method":"nope"}`), http.StatusOK, "")

	// Invalid requests are answered without credentials, as Kanboard does.
	wantBody(t, "[] without credentials", s.post(t, "", "", `[]`), http.StatusOK, invalid)
}

func testBadInput(t *testing.T, s *stack) {
	tok := random(6)
	// Filter and DN metacharacters are data: stored and found as they are,
	// never a wildcard.
	odd := `kb*(odd)\,=+<>#;"` + tok
	id := s.callInt(t, "createUser", []any{odd, "Secret-Pw-1"})
	var u user
	if err := json.Unmarshal(s.call(t, "getUserByName", []any{odd}), &u); err != nil || u.ID != fmt.Sprint(id) || u.Username != odd {
		t.Errorf("getUserByName(odd) = %+v", u)
	}
	if s.entry(t, userDN(odd)) == nil {
		t.Errorf("no entry %s", userDN(odd))
	}
	for _, pattern := range []string{"*", "kb*", "*" + tok} {
		wantResult(t, "getUserByName("+pattern+")", s.call(t, "getUserByName", []any{pattern}), "null")
	}
	for what, params := range map[string]any{
		"NUL in username":    []any{"kb-nul\x00" + tok, "Secret-Pw-1"},
		"array as username":  []any{[]any{"x"}, "Secret-Pw-1"},
		"object as password": map[string]any{"username": "kb-obj-" + tok, "password": map[string]any{}},
		"NUL in name":        []any{"kb-nulname-" + tok, "Secret-Pw-1", "a\x00b"},
	} {
		wantResult(t, "createUser("+what+")", s.call(t, "createUser", params), "false")
	}
	if s.entry(t, userDN("kb-nulname-"+tok)) != nil || s.entry(t, userDN("kb-obj-"+tok)) != nil {
		t.Errorf("a refused createUser left an entry")
	}
	wantResult(t, "getUser(string id)", s.call(t, "getUser", []any{"abc"}), "null")
	wantResult(t, "getUser(object id)", s.call(t, "getUser", []any{map[string]any{}}), "null")
	if u := s.getUser(t, []any{fmt.Sprint(id)}); u == nil || u.Username != odd {
		t.Errorf("getUser(%q) = %+v, want %s", fmt.Sprint(id), u, odd)
	}
}

func testPythonClient(t *testing.T, s *stack) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required in CI")
		}
		t.Skip("python3 is not installed")
	}
	script, err := filepath.Abs("kanboard_client.py")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), python, script, s.url, s.token, random(6)).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("python client: %v\n%s", err, out)
	}
}
