// Package spec holds the OpenAPI 3 document of dirgate's "scim" dialect
// (openapi.json beside this file): every route the dialect mounts, with
// its parameters, bodies and answers. The console renders it at
// /api/docs; the dialect's tests check that the routes it mounts are
// exactly the document's and that its answers match the document's
// schemas, so the two cannot drift apart.
package spec

import _ "embed"

// Document is the OpenAPI 3 document, as JSON, with the default prefix
// /scim/v2 as its server URL.
//
//go:embed openapi.json
var Document []byte
