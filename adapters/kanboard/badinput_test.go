package kanboard

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// metacharacters are special in LDAP filters or DNs; to Kanboard they are
// just characters of a name.
const metacharacters = `*()\,=+<>#;"`

func TestMetacharactersAreData(t *testing.T) {
	h := newHarness(t)
	odd := "o" + metacharacters + "dd"
	id := h.createUser(odd, "123456", "Name "+metacharacters, "")
	u := h.user(directory.ByNumber(id))
	if u == nil || u.Username != odd || u.DisplayName != "Name "+metacharacters {
		t.Fatalf("stored user: %+v", u)
	}
	wantEqual(t, "getUserByName(odd)", h.call("getUserByName", []any{odd}),
		userJSON(id, odd, "app-user", "0", "Name "+metacharacters, "", "1"))
	h.createUser("plain", "123456")
	for _, pattern := range []string{"*", "o*", "*dd", "p*", `o\2a`, "plain)(uid=*", "*)(|(uid=*"} {
		wantEqual(t, "getUserByName("+pattern+")", h.call("getUserByName", []any{pattern}), "null")
		wantEqual(t, "createLdapUser("+pattern+")", h.call("createLdapUser", []any{pattern}), "false")
	}
	wantEqual(t, "updateUser(rename to metacharacters)", h.call("updateUser", []any{id, "n" + metacharacters}), "true")
	if h.user(directory.ByName("n"+metacharacters)) == nil {
		t.Errorf("rename to a name with metacharacters is not in the directory")
	}
	wantEqual(t, "removeUser(odd)", h.call("removeUser", []any{id}), "true")
}

func TestBadValuesChangeNothing(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("steady", "123456", "Steady", "steady@example.com")
	before := h.countUsers()
	for name, c := range map[string]struct {
		method string
		params any
		want   string
	}{
		"NUL in username":      {"createUser", []any{"nul\x00name", "123456"}, "false"},
		"NUL in name":          {"createUser", []any{"nulname", "123456", "a\x00b"}, "false"},
		"control in username":  {"createUser", []any{"bell\aname", "123456"}, "false"},
		"NUL rename":           {"updateUser", []any{id, "st\x00eady"}, "false"},
		"NUL email":            {"updateUser", map[string]any{"id": id, "email": "a\x00@example.com"}, "false"},
		"huge name":            {"updateUser", map[string]any{"id": id, "name": strings.Repeat("n", 5000)}, "false"},
		"NUL username lookup":  {"getUserByName", []any{"steady\x00"}, "null"},
		"bool id":              {"getUser", []any{true}, "null"},
		"negative id":          {"getUser", []any{-1}, "null"},
		"fractional id":        {"getUser", []any{1.5}, "null"},
		"huge id":              {"getUser", []any{1e300}, "null"},
		"object username":      {"getUserByName", []any{map[string]any{"$ne": ""}}, "null"},
		"id for update object": {"updateUser", []any{map[string]any{}, "x"}, "false"},
	} {
		wantEqual(t, name, h.call(c.method, c.params), c.want)
	}
	res := h.app("{\"jsonrpc\":\"2.0\",\"method\":\"createUser\",\"params\":[\"bad\xffname\",\"123456\"],\"id\":1}")
	wantEqual(t, "invalid UTF-8", res.body, parseError)
	wantEqual(t, "users after bad values", h.countUsers(), before)
	wantEqual(t, "steady after bad values", h.call("getUser", []any{id}),
		userJSON(id, "steady", "app-user", "0", "Steady", "steady@example.com", "1"))
}

func TestDirectoryFailureIsAnInternalError(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("lost", "123456")
	if err := h.dir.Close(); err != nil {
		t.Fatal(err)
	}
	res := h.app(`[{"jsonrpc":"2.0","method":"getAllUsers","id":1},{"jsonrpc":"2.0","method":"getUser","params":[` + itoa(id) + `],"id":2}]`)
	want := `[{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1},{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":2}]`
	if res.status != http.StatusOK || res.body != want {
		t.Errorf("closed directory:\n got HTTP %d %s\nwant HTTP 200 %s", res.status, res.body, want)
	}
	// A directory user cannot be authenticated either; that is not a 401.
	res = h.send("lost", "123456", getAll)
	if res.status != http.StatusOK || res.body != `{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":1}` {
		t.Errorf("user credentials on a closed directory: HTTP %d %s", res.status, res.body)
	}
}
