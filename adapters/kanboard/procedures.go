package kanboard

import (
	"context"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// procedure is one Kanboard API method: its PHP signature and what it
// does. run returns Kanboard's result (false or null for a failure the
// request caused) or an error for a failure of the directory.
type procedure struct {
	name   string
	params []param
	run    func(ctx context.Context, t *userTable, c identity.Caller, a args) (any, error)
}

// procedureList is Kanboard's UserProcedure.
var procedureList = []procedure{
	{"createUser", []param{{name: "username"}, {name: "password"}, {name: "name", optional: true},
		{name: "email", optional: true}, {name: "role", optional: true}}, runCreateUser},
	{"createLdapUser", []param{{name: "username"}}, runCreateLDAPUser},
	{"getUser", []param{{name: "user_id"}}, byID(nil, (*userTable).get)},
	{"getUserByName", []param{{name: "username"}}, runGetUserByName},
	{"getAllUsers", nil, func(ctx context.Context, t *userTable, c identity.Caller, _ args) (any, error) {
		return t.all(ctx, c)
	}},
	{"updateUser", []param{{name: "id"}, {name: "username", optional: true}, {name: "name", optional: true},
		{name: "email", optional: true}, {name: "role", optional: true}}, runUpdateUser},
	{"removeUser", []param{{name: "user_id"}}, byID(false, (*userTable).remove)},
	// Kanboard's disable and enable are an UPDATE that succeeds when it
	// matches no row: true for any id.
	{"disableUser", []param{{name: "user_id"}}, byID(true, func(t *userTable, ctx context.Context, c identity.Caller, ref directory.Ref) (any, error) {
		return t.setEnabled(ctx, c, ref, false)
	})},
	{"enableUser", []param{{name: "user_id"}}, byID(true, func(t *userTable, ctx context.Context, c identity.Caller, ref directory.Ref) (any, error) {
		return t.setEnabled(ctx, c, ref, true)
	})},
	{"isActiveUser", []param{{name: "user_id"}}, byID(false, (*userTable).isActive)},
}

// procedures finds a procedure by name, ignoring case as PHP's method
// lookup does.
var procedures = func() map[string]*procedure {
	m := make(map[string]*procedure, len(procedureList))
	for i := range procedureList {
		m[strings.ToLower(procedureList[i].name)] = &procedureList[i]
	}
	return m
}()

func lookupProcedure(method string) (*procedure, bool) {
	p, ok := procedures[strings.ToLower(method)]
	return p, ok
}

// Procedures lists the names of the procedures the dialect serves, in
// Kanboard's spelling. They share one route (/jsonrpc.php), so the router
// alone cannot show them: this is for whatever must see the whole surface
// (the auth matrix test fails on a procedure it has no entry for).
func Procedures() []string {
	names := make([]string, len(procedureList))
	for i, p := range procedureList {
		names[i] = p.name
	}
	return names
}

// byID adapts an operation on one user named by user_id. An id that is
// not a positive integer names no user: the answer is the procedure's
// failure value, as Kanboard's SQL lookup would find nothing.
func byID(notFound any, op func(*userTable, context.Context, identity.Caller, directory.Ref) (any, error)) func(context.Context, *userTable, identity.Caller, args) (any, error) {
	return func(ctx context.Context, t *userTable, c identity.Caller, a args) (any, error) {
		id, ok := a.id("user_id")
		if !ok {
			return notFound, nil
		}
		return op(t, ctx, c, directory.ByNumber(id))
	}
}

func runGetUserByName(ctx context.Context, t *userTable, c identity.Caller, a args) (any, error) {
	username, ok := a.text("username", "")
	if !ok || username == "" {
		return nil, nil
	}
	return t.get(ctx, c, directory.ByName(username))
}

func runCreateUser(ctx context.Context, t *userTable, c identity.Caller, a args) (any, error) {
	var in newUser
	var ok [5]bool
	in.username, ok[0] = a.text("username", "")
	in.password, ok[1] = a.text("password", "")
	in.name, ok[2] = a.text("name", "")
	in.email, ok[3] = a.text("email", "")
	in.role, ok[4] = a.text("role", roleUser)
	if ok != [5]bool{true, true, true, true, true} {
		return false, nil
	}
	return t.create(ctx, c, in)
}

func runCreateLDAPUser(ctx context.Context, t *userTable, c identity.Caller, a args) (any, error) {
	username, ok := a.text("username", "")
	if !ok || username == "" {
		return false, nil
	}
	return t.register(ctx, c, username)
}

func runUpdateUser(ctx context.Context, t *userTable, c identity.Caller, a args) (any, error) {
	id, ok := a.id("id")
	if !ok {
		return false, nil
	}
	var in userUpdate
	var valid [4]bool
	in.username, valid[0] = a.optionalText("username")
	in.name, valid[1] = a.optionalText("name")
	in.email, valid[2] = a.optionalText("email")
	in.role, valid[3] = a.optionalText("role")
	if valid != [4]bool{true, true, true, true} {
		return false, nil
	}
	return t.update(ctx, c, directory.ByNumber(id), in)
}
