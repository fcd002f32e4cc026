// Package scim serves SCIM 2.0 (RFC 7643, RFC 7644) under /scim/v2, so
// identity providers (Microsoft Entra ID, Okta, OneLogin, JumpCloud,
// Google) provision users and groups straight into the directory, on the
// same core as the other dialects.
//
// The surface: /Users and /Groups (GET, POST, PUT, PATCH, DELETE, POST
// /.search), /ServiceProviderConfig, /ResourceTypes and /Schemas (and
// each by id). Every answer is application/scim+json; every failure is
// RFC 7644's error body (status as a string, scimType), 401s with
// WWW-Authenticate, 429s with Retry-After. Clients present a bearer token
// from the configuration, stored only as its SHA-256 and scoped as
// AD-web's keys are (read-only, subtrees); the throttle is asked before
// any token is compared.
//
// Filters are parsed by github.com/scim2/filter-parser (the whole RFC
// 7644 grammar) and compiled here into ONE filter of the core's language
// (filter.go), which the directory evaluates server side; what cannot be
// compiled is 400 invalidFilter, never a scan. Lists page on the
// directory (startIndex/count are the core query's offset and limit), so
// totalResults is the directory's count.
//
// Why not a SCIM server framework such as github.com/elimity-com/scim:
// it brings a second resource model (attribute maps validated against
// its own schemas, handlers that receive decoded resources and answer
// whole pages) and its own filter evaluation, so the core's typed model,
// its one-change user updates (identity.UserChange), its member changes
// that never rewrite the member list, and its server-side paging would
// all sit behind a translation layer that could only approximate them.
// What is written by hand is the mapping between SCIM and the core's
// model (attributes.go, user.go, userinput.go, group.go), the PATCH
// engine (patch.go) and the discovery documents, none of which a library
// knows.
//
// A page of Users is written by a hand-written appending encoder
// (userjson.go, userpage.go), byte for byte what encoding/json writes
// (TestUserJSONIsMarshal, TestUserPageIsMarshal), because in the load
// tool's listing of 100,000 users in pages of 1,000 json.Marshal of the
// page was 17 % of dirgate's CPU and a quarter of its allocations, and a
// page is time the client waits for; BenchmarkPage and the listing's
// profiles before and after are in docs/benchmarks.md (SCIM). Projected
// resources (attributes, excludedAttributes) still go through
// encoding/json.
//
// PATCH on a User is applied to the resource as read and written back as
// one core change (all or nothing, rolled back by the core on failure);
// PATCH on a Group turns member adds and removes into one core call per
// member, each one directory modification. The attribute map, profile by
// profile, is docs/dialects/scim.md.
package scim
