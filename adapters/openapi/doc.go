// Package openapi serves the "OpenAPI users/groups/principals" dialect: a
// JSON API with token login, query filters, paging, sorting, field
// selection, JSON Patch, nested groups, principals (users and groups in one
// list), password endpoints and invitations, on top of dirgate's core.
//
// The wire contract is section 5 of the dialects contract and
// docs/dialects/openapi.md; the OpenAPI 3 document in spec/ (a package of
// its own, because the product embeds it) is served at
// GET <prefix>/openapi.json and the tests validate every request and
// response they make against it.
//
// Every failure is {"error":"<message>"} with an HTTP status (400, 401,
// 403, 404, 409, 412, 413, 422, 503 …). Logins return a short-lived HS256
// JWT signed with a secret every replica shares, naming the user by id;
// admins (configured entries by DN or members of the admin group, checked
// again on every request) may use every endpoint, other users only
// /users/me… and the password endpoints, with a core scope limited to
// their own entry.
//
// Query filters (filter[field][OP]=value) are compiled into the core's
// filter language, which the directory evaluates server side with its own
// paging and sorting: nothing is fetched whole and filtered in memory.
package openapi
