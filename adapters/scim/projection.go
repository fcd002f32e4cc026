package scim

import (
	"encoding/json"
	"strings"
)

// projection is a request's attributes / excludedAttributes (RFC 7644
// section 3.4.2.5): which attributes of each resource are returned.
type projection struct {
	include [][]string // lower-case key paths
	exclude [][]string
}

func newProjection(attrs, excluded []string, core string) projection {
	var p projection
	for _, a := range attrs {
		p.include = append(p.include, keyPath(a, core))
	}
	for _, a := range excluded {
		p.exclude = append(p.exclude, keyPath(a, core))
	}
	return p
}

// keyPath splits an attribute path into the keys of a resource document:
// the enterprise URN is one key, a core URN prefix is dropped.
func keyPath(a, core string) []string {
	a = strings.ToLower(strings.TrimSpace(a))
	if rest, ok := strings.CutPrefix(a, enterpriseKey); ok {
		rest = strings.TrimPrefix(rest, ":")
		if rest == "" {
			return []string{enterpriseKey}
		}
		return append([]string{enterpriseKey}, strings.Split(rest, ".")...)
	}
	a = strings.TrimPrefix(a, strings.ToLower(core)+":")
	return strings.Split(a, ".")
}

func (p projection) empty() bool { return len(p.include) == 0 && len(p.exclude) == 0 }

// wants reports whether attribute attr (top level, lower case) is
// returned; attributes returned only on request (a User's groups) need
// request, and others are returned unless excluded.
func (p projection) wants(attr string, onRequest bool) bool {
	for _, e := range p.exclude {
		if len(e) == 1 && e[0] == attr {
			return false
		}
	}
	if len(p.include) == 0 {
		return !onRequest
	}
	for _, i := range p.include {
		if i[0] == attr {
			return true
		}
	}
	return false
}

// always are returned whatever the projection says (RFC 7643 "returned":
// "always").
var always = map[string]bool{"id": true, "schemas": true}

// apply prunes a rendered resource; without a projection it is returned
// as is.
func (p projection) apply(res any) (any, error) {
	if p.empty() {
		return res, nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(p.include) > 0 {
		doc = keepOnly(doc, p.include, true)
	}
	for _, e := range p.exclude {
		drop(doc, e)
	}
	return doc, nil
}

// keepOnly keeps the keys the paths name (and, at the top, the keys
// always returned).
func keepOnly(doc map[string]any, paths [][]string, top bool) map[string]any {
	out := map[string]any{}
	for k, v := range doc {
		lk := strings.ToLower(k)
		if top && always[lk] {
			out[k] = v
			continue
		}
		var sub [][]string
		whole := false
		for _, p := range paths {
			if p[0] != lk {
				continue
			}
			if len(p) == 1 {
				whole = true
			} else {
				sub = append(sub, p[1:])
			}
		}
		switch {
		case whole:
			out[k] = v
		case len(sub) > 0:
			switch inner := v.(type) {
			case map[string]any:
				out[k] = keepOnly(inner, sub, false)
			case []any:
				var kept []any
				for _, el := range inner {
					if m, ok := el.(map[string]any); ok {
						kept = append(kept, keepOnly(m, sub, false))
					}
				}
				out[k] = kept
			}
		}
	}
	return out
}

// drop removes the attribute a path names (never one always returned).
func drop(doc map[string]any, path []string) {
	for k, v := range doc {
		if strings.ToLower(k) != path[0] {
			continue
		}
		if len(path) == 1 {
			if !always[path[0]] {
				delete(doc, k)
			}
			continue
		}
		switch inner := v.(type) {
		case map[string]any:
			drop(inner, path[1:])
		case []any:
			for _, el := range inner {
				if m, ok := el.(map[string]any); ok {
					drop(m, path[1:])
				}
			}
		}
	}
}
