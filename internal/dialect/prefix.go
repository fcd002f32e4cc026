package dialect

// Prefixer is implemented by dialect configs whose routes live under a
// path by default (AD-web "/restapi", OpenAPI "/api"). The server mounts a
// dialect under its block's `prefix:` when set, else under DefaultPrefix,
// else at the root; Mount registers paths relative to that prefix.
type Prefixer interface {
	DefaultPrefix() string
}
