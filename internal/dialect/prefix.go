package dialect

// Prefixer is implemented by dialect configs whose routes live under a
// path by default (AD-web "/restapi", OpenAPI "/api"). The server mounts a
// dialect under its block's `prefix:` when set, else under DefaultPrefix,
// else at the root; Mount registers paths relative to that prefix.
type Prefixer interface {
	DefaultPrefix() string
}

// CaseInsensitivePrefix is implemented by dialects whose original product
// matched paths without regard to case (AD-web's ASP.NET /restapi): the
// server then routes /RESTAPI/... and /RestApi/... to the dialect as if
// the prefix were spelled as configured. Below the prefix the dialect
// handles case itself.
type CaseInsensitivePrefix interface {
	CaseInsensitivePrefix() bool
}
