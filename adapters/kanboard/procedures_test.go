package kanboard

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// userJSON is getUser's answer for a user, field for field.
func userJSON(id int64, username, role, ldap, name, email, active string) string {
	return fmt.Sprintf(`{"id":"%d","username":%q,"role":%q,"is_ldap_user":%q,"name":%q,"email":%q,"google_id":null,"github_id":null,"notifications_enabled":"0","is_active":%q}`,
		id, username, role, ldap, name, email, active)
}

func TestCreateUserRolesAndDirectoryState(t *testing.T) {
	h := newHarness(t)
	admin := h.createUser("alice", "123456", "Alice A", "alice@example.com", "app-admin")
	manager := h.createUser("bob", "123456", "", "", "app-manager")
	plain := h.call("createUser", map[string]any{"username": "carol", "password": "123456"})

	a := h.user(directory.ByName("alice"))
	if a == nil || a.UIDNumber != admin || a.DN != "uid=alice,ou=people,"+testBase || a.DisplayName != "Alice A" || a.Mail != "alice@example.com" {
		t.Errorf("alice in the directory: %+v (id %d)", a, admin)
	}
	wantEqual(t, "alice's groups", strings.Join(h.groups(directory.ByName("alice")), ","), DefaultAdminGroup)
	wantEqual(t, "bob's groups", strings.Join(h.groups(directory.ByName("bob")), ","), DefaultManagerGroup)
	wantEqual(t, "carol's groups", strings.Join(h.groups(directory.ByName("carol")), ","), "")
	wantEqual(t, "carol's id", plain, fmt.Sprint(h.user(directory.ByName("carol")).UIDNumber))

	wantEqual(t, "getUser(alice)", h.call("getUser", []any{admin}),
		userJSON(admin, "alice", "app-admin", "0", "Alice A", "alice@example.com", "1"))
	wantEqual(t, "getUserByName(bob)", h.call("getUserByName", map[string]any{"username": "bob"}),
		userJSON(manager, "bob", "app-manager", "0", "", "", "1"))
	// The password works for a logon, and is never returned.
	if _, err := h.dir.VerifyPassword(t.Context(), directory.ByName("alice"), "123456"); err != nil {
		t.Errorf("alice's password: %v", err)
	}
	if strings.Contains(h.call("getAllUsers", nil), "password") {
		t.Errorf("getAllUsers returns a password field")
	}
	// The username is stored trimmed, as Kanboard stores it.
	h.createUser("  dave  ", "123456")
	if h.user(directory.ByName("dave")) == nil {
		t.Errorf("createUser did not trim the username")
	}
}

func TestCreateUserValidation(t *testing.T) {
	h := newHarness(t)
	h.createUser("taken", "123456")
	before := h.countUsers()
	for name, params := range map[string]any{
		"taken username":         []any{"taken", "123456"},
		"taken, other case":      []any{"TAKEN", "123456"},
		"empty username":         []any{"", "123456"},
		"blank username":         []any{"   ", "123456"},
		"192-character username": []any{strings.Repeat("é", 192), "123456"},
		"5-character password":   []any{"shortpw", "12345"},
		"empty password":         []any{"nopw", ""},
		"bad email":              []any{"mail", "123456", "", "no-at-sign"},
		"unknown role":           []any{"role", "123456", "", "", "app-owner"},
		"empty role":             []any{"role2", "123456", "", "", ""},
		"array username":         []any{[]any{"x"}, "123456"},
		"object name":            map[string]any{"username": "obj", "password": "123456", "name": map[string]any{}},
	} {
		wantEqual(t, "createUser("+name+")", h.call("createUser", params), "false")
	}
	wantEqual(t, "users after refused creates", h.countUsers(), before)
	// 191 characters is allowed; a 6-character password too.
	long := strings.Repeat("é", 191)
	h.createUser(long, "654321")
	if h.user(directory.ByName(long)) == nil {
		t.Errorf("a 191-character username was refused")
	}
}

func TestCreateUserUndoesTheUserWhenTheRoleFails(t *testing.T) {
	// The role group cannot be created: its container does not exist.
	h := newHarness(t, func(c *Config) { c.GroupsDN = "ou=missing," + testBase })
	before := h.countUsers()
	wantEqual(t, "createUser(app-admin)", h.call("createUser", []any{"halfdone", "123456", "", "", "app-admin"}), "false")
	if h.user(directory.ByName("halfdone")) != nil || h.countUsers() != before {
		t.Errorf("a createUser whose role failed left the user behind")
	}
	// app-user needs no group and still works.
	h.createUser("fine", "123456")
}

func TestRoleGroupsAreReusedAndNestingCounts(t *testing.T) {
	h := newHarness(t)
	ctx := t.Context()
	// An existing admin group is used as it is; a group nested in it
	// grants the role too.
	admins, err := h.dir.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups," + testBase, Name: DefaultAdminGroup, GIDNumber: 30001})
	if err != nil {
		t.Fatal(err)
	}
	ops, err := h.dir.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups," + testBase, Name: "ops", GIDNumber: 30002})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.dir.AddMember(ctx, directory.ByID(admins.ID), directory.GroupRef(directory.ByID(ops.ID))); err != nil {
		t.Fatal(err)
	}
	id := h.createUser("erin", "123456")
	if err := h.dir.AddMember(ctx, directory.ByID(ops.ID), directory.UserRef(directory.ByName("erin"))); err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "role through nesting", h.call("getUser", []any{id}), userJSON(id, "erin", "app-admin", "0", "", "", "1"))
	h.createUser("frank", "123456", "", "", "app-admin")
	g, err := h.dir.GetGroup(ctx, directory.ByName(DefaultAdminGroup))
	if err != nil || g.ID != admins.ID || g.GIDNumber != 30001 {
		t.Errorf("the existing admin group was not reused: %+v %v", g, err)
	}
}

func TestGetAllUsers(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.LDAPBase = "ou=staff," + testBase })
	zed := h.createUser("Zed", "123456", "", "", "app-manager")
	amy := h.createUser("amy", "123456", "Amy", "amy@example.com", "app-admin")
	// A directory user outside Kanboard's container is listed once
	// registered; one outside both is never listed.
	staff := h.directoryUser("ou=staff,"+testBase, "mike", 20001, "")
	h.directoryUser("ou=robots,"+testBase, "robot", 20002, "")
	wantEqual(t, "createLdapUser(mike)", h.call("createLdapUser", []any{"mike"}), "20001")
	wantEqual(t, "getAllUsers", h.call("getAllUsers", nil), "["+
		userJSON(amy, "amy", "app-admin", "0", "Amy", "amy@example.com", "1")+","+
		userJSON(staff.UIDNumber, "mike", "app-user", "1", "Dir mike", "mike@example.com", "1")+","+
		userJSON(zed, "Zed", "app-manager", "0", "", "", "1")+"]")
}

func TestCreateLDAPUser(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.LDAPBase = "ou=staff," + testBase })
	jane := h.directoryUser("ou=staff,"+testBase, "jane", 20001, "Jane-Pw-1")
	noNumber := h.directoryUser("ou=staff,"+testBase, "nonum", 0, "")
	h.directoryUser("ou=robots,"+testBase, "robot", 20002, "")

	wantEqual(t, "getUser(unregistered)", h.call("getUser", []any{20001}), "null")
	wantEqual(t, "createLdapUser(jane)", h.call("createLdapUser", map[string]any{"username": "jane"}), "20001")
	wantEqual(t, "getUser(jane)", h.call("getUser", []any{20001}), userJSON(20001, "jane", "app-user", "1", "Dir jane", "jane@example.com", "1"))
	wantEqual(t, "jane's groups", strings.Join(h.groups(directory.ByID(jane.ID)), ","), DefaultLDAPUsersGroup)
	wantEqual(t, "createLdapUser(jane) again", h.call("createLdapUser", []any{"jane"}), "false")

	for name, username := range map[string]any{
		"absent": "ghost", "outside the wider base": "robot", "already a Kanboard user": h.userName(h.createUser("own", "123456")),
		"wildcard": "*", "empty": "", "array": []any{"jane"},
	} {
		wantEqual(t, "createLdapUser("+name+")", h.call("createLdapUser", []any{username}), "false")
	}

	// An account without a uidNumber gets one from the domain's range.
	got := h.call("createLdapUser", []any{"nonum"})
	u := h.user(directory.ByID(noNumber.ID))
	if u.UIDNumber <= 0 || got != fmt.Sprint(u.UIDNumber) {
		t.Errorf("createLdapUser(nonum) = %s, directory uidNumber %d", got, u.UIDNumber)
	}

	// removeUser unregisters: the account stays in the directory.
	wantEqual(t, "removeUser(jane)", h.call("removeUser", []any{20001}), "true")
	if h.user(directory.ByID(jane.ID)) == nil {
		t.Errorf("removeUser deleted a registered directory account")
	}
	wantEqual(t, "jane's groups after removeUser", strings.Join(h.groups(directory.ByID(jane.ID)), ","), "")
	wantEqual(t, "getUser(jane) after removeUser", h.call("getUser", []any{20001}), "null")
}

// userName returns the username of a Kanboard user id.
func (h *harness) userName(id int64) string {
	h.t.Helper()
	return h.user(directory.ByNumber(id)).Username
}

func TestUpdateUser(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("gina", "123456", "Gina", "gina@example.com", "app-manager")
	h.createUser("hank", "123456")

	wantEqual(t, "updateUser(name)", h.call("updateUser", map[string]any{"id": id, "name": "Gina G"}), "true")
	wantEqual(t, "after name", h.call("getUser", []any{id}), userJSON(id, "gina", "app-manager", "0", "Gina G", "gina@example.com", "1"))

	wantEqual(t, "updateUser(all)", h.call("updateUser", []any{id, "regina", "Regina", "", "app-admin"}), "true")
	wantEqual(t, "after all", h.call("getUser", []any{id}), userJSON(id, "regina", "app-admin", "0", "Regina", "", "1"))
	wantEqual(t, "groups after app-admin", strings.Join(h.groups(directory.ByNumber(id)), ","), DefaultAdminGroup)
	if h.user(directory.ByName("regina")).DN != "uid=regina,ou=people,"+testBase {
		t.Errorf("the rename did not move the RDN")
	}

	wantEqual(t, "updateUser(app-user)", h.call("updateUser", map[string]any{"id": id, "role": "app-user"}), "true")
	wantEqual(t, "groups after app-user", strings.Join(h.groups(directory.ByNumber(id)), ","), "")
	wantEqual(t, "updateUser(nothing)", h.call("updateUser", []any{id}), "true")
	wantEqual(t, "updateUser(nulls)", h.call("updateUser", []any{id, nil, nil, nil, nil}), "true")
	wantEqual(t, "after nulls", h.call("getUser", []any{id}), userJSON(id, "regina", "app-user", "0", "Regina", "", "1"))

	// Refusals change nothing.
	for name, params := range map[string]any{
		"taken username":  map[string]any{"id": id, "username": "hank", "name": "Changed"},
		"empty username":  map[string]any{"id": id, "username": " ", "name": "Changed"},
		"bad email":       map[string]any{"id": id, "email": "bad@", "name": "Changed"},
		"bad role":        map[string]any{"id": id, "role": "root", "name": "Changed"},
		"id not a number": map[string]any{"id": "x", "name": "Changed"},
		"object name":     map[string]any{"id": id, "name": map[string]any{"a": 1}},
	} {
		wantEqual(t, "updateUser("+name+")", h.call("updateUser", params), "false")
	}
	wantEqual(t, "after refusals", h.call("getUser", []any{id}), userJSON(id, "regina", "app-user", "0", "Regina", "", "1"))
}

func TestUpdateUserUndoesTheChangeWhenTheRoleFails(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.GroupsDN = "ou=missing," + testBase })
	id := h.createUser("ivan", "123456", "Ivan", "")
	wantEqual(t, "updateUser(rename, role)", h.call("updateUser", []any{id, "ivo", "Ivo", "", "app-admin"}), "false")
	u := h.user(directory.ByNumber(id))
	if u.Username != "ivan" || u.DisplayName != "Ivan" {
		t.Errorf("after a failed role change: username %q, name %q; want the change undone", u.Username, u.DisplayName)
	}
}

func TestRemoveUser(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("jack", "123456", "", "", "app-admin")
	wantEqual(t, "removeUser", h.call("removeUser", map[string]any{"user_id": id}), "true")
	if h.user(directory.ByNumber(id)) != nil {
		t.Errorf("removeUser left the user in the directory")
	}
	members, err := h.dir.Members(t.Context(), directory.ByName(DefaultAdminGroup), false)
	if err != nil || len(members) != 0 {
		t.Errorf("admin group members after removeUser: %v %v", members, err)
	}
	wantEqual(t, "removeUser(again)", h.call("removeUser", []any{id}), "false")
	wantEqual(t, "removeUser(0)", h.call("removeUser", []any{0}), "false")
	wantEqual(t, "removeUser(string)", h.call("removeUser", []any{"abc"}), "false")
}

func TestDisableEnableIsActive(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("kate", "123456")
	wantEqual(t, "isActiveUser", h.call("isActiveUser", []any{id}), "true")
	wantEqual(t, "disableUser", h.call("disableUser", []any{id}), "true")
	wantEqual(t, "isActiveUser(disabled)", h.call("isActiveUser", map[string]any{"user_id": id}), "false")
	if h.user(directory.ByNumber(id)).Enabled {
		t.Errorf("disableUser left the account enabled in the directory")
	}
	wantEqual(t, "getUser(disabled)", h.call("getUser", []any{id}), userJSON(id, "kate", "app-user", "0", "", "", "0"))
	wantEqual(t, "disableUser(again)", h.call("disableUser", []any{id}), "true")
	wantEqual(t, "enableUser", h.call("enableUser", []any{fmt.Sprint(id)}), "true")
	wantEqual(t, "isActiveUser(enabled)", h.call("isActiveUser", []any{id}), "true")
	wantEqual(t, "isActiveUser(unknown)", h.call("isActiveUser", []any{999999}), "false")
	wantEqual(t, "isActiveUser(not an id)", h.call("isActiveUser", []any{[]any{}}), "false")
}

// Kanboard's UserModel::disable and ::enable run an UPDATE that succeeds
// whether or not it matches a row, and updateUser answers its validator
// and that UPDATE: an unknown id is true, unless the values are invalid.
func TestDisableEnableUpdateOfAnUnknownIdAreTrue(t *testing.T) {
	h := newHarness(t)
	h.createUser("taken", "123456")
	before := h.countUsers()
	for _, m := range []string{"disableUser", "enableUser"} {
		wantEqual(t, m+"(unknown)", h.call(m, []any{999999}), "true")
		wantEqual(t, m+"(not an id)", h.call(m, []any{[]any{}}), "true")
	}
	wantEqual(t, "updateUser(unknown)", h.call("updateUser", map[string]any{"id": 999999, "name": "Nobody"}), "true")
	wantEqual(t, "updateUser(unknown, free username)", h.call("updateUser", []any{999999, "free-name"}), "true")
	wantEqual(t, "updateUser(unknown, taken username)", h.call("updateUser", []any{999999, "taken"}), "false")
	wantEqual(t, "updateUser(unknown, bad email)", h.call("updateUser", map[string]any{"id": 999999, "email": "not-an-email"}), "false")
	wantEqual(t, "updateUser(unknown, bad role)", h.call("updateUser", map[string]any{"id": 999999, "role": "app-god"}), "false")
	if h.countUsers() != before || h.user(directory.ByName("free-name")) != nil {
		t.Errorf("a call on an unknown id changed the directory")
	}
}

func TestUsersOutsideKanboardAreInvisible(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.LDAPBase = "ou=staff," + testBase })
	robot := h.directoryUser("ou=robots,"+testBase, "robot", 20009, "")
	for m, want := range map[string]string{"getUser": "null", "isActiveUser": "false", "removeUser": "false",
		"disableUser": "true", "updateUser": "true"} { // as for an id Kanboard does not have
		wantEqual(t, m+"(robot)", h.call(m, []any{20009}), want)
	}
	wantEqual(t, "updateUser(robot)", h.call("updateUser", []any{20009, "r2"}), "true")
	if u := h.user(directory.ByID(robot.ID)); u == nil || !u.Enabled || u.Username != "robot" {
		t.Errorf("a user outside Kanboard was changed: %+v", u)
	}
	if got := h.call("getAllUsers", nil); got != "[]" {
		t.Errorf("getAllUsers = %s", got)
	}
	names := h.groups(directory.ByID(robot.ID))
	if slices.Contains(names, DefaultLDAPUsersGroup) {
		t.Errorf("robot was registered")
	}
}

func TestUpdateUserRoleChangesOnlyWhatDiffers(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("lena", "123456", "", "", "app-admin")
	// Someone else also put her in the manager group directly.
	h.createUser("other", "123456", "", "", "app-manager")
	if err := h.dir.AddMember(t.Context(), directory.ByName(DefaultManagerGroup), directory.UserRef(directory.ByNumber(id))); err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "role with both groups", h.call("getUser", []any{id}), userJSON(id, "lena", "app-admin", "0", "", "", "1"))
	wantEqual(t, "updateUser(app-manager)", h.call("updateUser", map[string]any{"id": id, "role": "app-manager"}), "true")
	wantEqual(t, "groups", strings.Join(h.groups(directory.ByNumber(id)), ","), DefaultManagerGroup)
	wantEqual(t, "role", h.call("getUser", []any{id}), userJSON(id, "lena", "app-manager", "0", "", "", "1"))
}
