package adweb

import (
	"net/url"
	"strings"
)

// parseQuery reads a raw query string into the request's fields, adding
// only keys the body did not set. AD Web's clients put DNs in query strings
// unencoded (`?ouDN=cn=x,dc=dart,dc=org`), so a value runs from the first
// "=" to the next "&": later "=" and "," belong to it, and ";" is an
// ordinary character (net/url would drop such a pair). "+" means a space,
// as in every form-encoded query.
func parseQuery(raw string, into *object) error {
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(key)
		if err != nil {
			return badRequest(codeInvalidQuery, "the query string is not well encoded near %q", key)
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return badRequest(codeInvalidQuery, "the query parameter %s is not well encoded", k)
		}
		if k == "" || into.has(k) {
			continue
		}
		into.set(k, v)
	}
	return nil
}
