// Package spec holds the OpenAPI 3 document of dirgate's "openapi"
// dialect (openapi.json beside this file). The dialect serves it at
// GET <prefix>/openapi.json and its tests validate every request and
// response they see against it, so the document cannot drift from the
// code. It lives beside the adapter because the product embeds it;
// README.md here is its browsable index.
package spec

import _ "embed"

// Document is the OpenAPI 3 document, as JSON, with the default prefix
// /api as its server URL.
//
//go:embed openapi.json
var Document []byte
