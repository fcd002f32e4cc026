package scim

import (
	"encoding/json"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// patchRequest is RFC 7644 section 3.5.2's PatchOp.
type patchRequest struct {
	Schemas    []string  `json:"schemas"`
	Operations []patchOp `json:"Operations"`
}

type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// operation is one parsed patch operation: op in lower case (Entra ID
// writes "Replace"), the path parsed, the value a document fragment.
type operation struct {
	op    string
	path  *filter.Path
	keys  []string // the path's attribute keys, lower case
	value any
	raw   string
}

func readPatch(body []byte, core string) ([]operation, error) {
	var pr patchRequest
	if err := json.Unmarshal(body, &pr); err != nil {
		return nil, badRequest(typeInvalidSyntax, "the body is not a PatchOp: %v", jsonProblem(err))
	}
	if !hasSchema(pr.Schemas, urnPatchOp) {
		return nil, badRequest(typeInvalidSyntax, "schemas must name %s", urnPatchOp)
	}
	if len(pr.Operations) == 0 {
		return nil, badRequest(typeInvalidSyntax, "Operations must hold at least one operation")
	}
	ops := make([]operation, 0, len(pr.Operations))
	for i, o := range pr.Operations {
		op := operation{op: strings.ToLower(strings.TrimSpace(o.Op)), raw: o.Path}
		switch op.op {
		case "add", "replace", "remove":
		default:
			return nil, badRequest(typeInvalidSyntax, "Operations[%d].op: %q is not add, replace or remove", i, o.Op)
		}
		if len(o.Value) > 0 && string(o.Value) != "null" {
			var v any
			if err := json.Unmarshal(o.Value, &v); err != nil {
				return nil, badRequest(typeInvalidSyntax, "Operations[%d].value: %v", i, jsonProblem(err))
			}
			op.value = normalize(v, core, o.Path == "")
		}
		if strings.TrimSpace(o.Path) != "" {
			p, err := filter.ParsePath([]byte(literalEscapes(strings.TrimSpace(o.Path))))
			if err != nil {
				return nil, badRequest(typeInvalidPath, "Operations[%d].path: %q does not parse", i, o.Path)
			}
			keys, err := pathKeys(p.AttributePath, core)
			if err != nil {
				return nil, err
			}
			op.path, op.keys = &p, keys
		}
		switch {
		case op.path == nil && op.op == "remove":
			return nil, badRequest(typeNoTarget, "Operations[%d]: remove needs a path", i)
		case op.path == nil && op.value == nil:
			return nil, badRequest(typeInvalidValue, "Operations[%d]: %s without a path needs a value", i, op.op)
		case op.path == nil:
			if _, ok := op.value.(document); !ok {
				return nil, badRequest(typeInvalidValue, "Operations[%d]: %s without a path takes an object", i, op.op)
			}
		case op.op != "remove" && op.value == nil:
			return nil, badRequest(typeInvalidValue, "Operations[%d]: %s needs a value", i, op.op)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// pathKeys are an attribute path's keys in a document.
func pathKeys(p filter.AttributePath, core string) ([]string, error) {
	ns, attr, sub, err := pathKey(p, core)
	if err != nil {
		return nil, badRequest(typeInvalidPath, "unknown schema %q", p.URI())
	}
	var keys []string
	if ns == "enterprise" {
		keys = append(keys, enterpriseKey)
	}
	keys = append(keys, attr)
	if sub != "" {
		keys = append(keys, sub)
	}
	return keys, nil
}

// applyPatch applies operations to a document, in order, in memory: the
// document is one resource as read, and the result is written back as a
// whole replacement (see the handlers), so the patch is all or nothing.
func applyPatch(doc document, ops []operation) error {
	for _, op := range ops {
		if err := applyOne(doc, op); err != nil {
			return err
		}
	}
	return nil
}

func applyOne(doc document, op operation) error {
	if op.path == nil {
		for k, v := range op.value.(document) {
			setAt(doc, []string{k}, v, op.op)
		}
		return nil
	}
	if op.path.ValueExpression == nil {
		if op.op == "remove" {
			removeAt(doc, op.keys, op.value)
			return nil
		}
		setAt(doc, op.keys, op.value, op.op)
		return nil
	}
	return applyFiltered(doc, op)
}

// descend returns the object that keys name under doc, creating the
// objects on the way that are missing.
func descend(doc document, keys []string) document {
	for _, k := range keys {
		inner, _ := doc[k].(document)
		if inner == nil {
			inner = document{}
			doc[k] = inner
		}
		doc = inner
	}
	return doc
}

// setAt adds or replaces the value at keys: an add to a multi-valued
// attribute appends, an add or replace of a complex value merges its
// sub-attributes, anything else is set.
func setAt(doc document, keys []string, v any, op string) {
	doc = descend(doc, keys[:len(keys)-1])
	last := keys[len(keys)-1]
	switch old := doc[last].(type) {
	case []any:
		if op == "add" {
			more := asList(v)
			if anyPrimary(more) {
				// One primary at most (RFC 7643 section 2.4): the one
				// added takes it over.
				for _, el := range old {
					if m, ok := el.(document); ok {
						delete(m, "primary")
					}
				}
			}
			doc[last] = append(old, more...)
			return
		}
	case document:
		if m, ok := v.(document); ok {
			for k, mv := range m {
				setAt(old, []string{k}, mv, op)
			}
			return
		}
	}
	doc[last] = v
}

// removeAt removes the attribute at keys; with a value, only the
// elements of a multi-valued attribute whose value it names.
func removeAt(doc document, keys []string, value any) {
	for _, k := range keys[:len(keys)-1] {
		inner, _ := doc[k].(document)
		if inner == nil {
			return
		}
		doc = inner
	}
	last := keys[len(keys)-1]
	arr, isArr := doc[last].([]any)
	if value == nil || !isArr {
		delete(doc, last)
		return
	}
	gone := map[string]bool{}
	for _, v := range asList(value) {
		if m, ok := v.(document); ok {
			if s, ok := m["value"].(string); ok {
				gone[s] = true
			}
		}
	}
	kept := arr[:0]
	for _, el := range arr {
		if m, ok := el.(document); ok {
			if s, _ := m["value"].(string); gone[s] {
				continue
			}
		}
		kept = append(kept, el)
	}
	doc[last] = kept
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// applyFiltered applies an operation whose path selects elements of a
// multi-valued attribute (emails[type eq "work"].value). An add or replace
// that selects nothing creates the element when the filter is a
// conjunction of equalities, which say what the element is: Entra ID
// sends replace emails[type eq "work"].value to a user without a mail.
func applyFiltered(doc document, op operation) error {
	keys := op.keys
	if len(keys) > 1 && keys[0] != enterpriseKey || len(keys) > 2 {
		return badRequest(typeInvalidPath, "%s: a value filter applies to a multi-valued attribute", op.raw)
	}
	parent := descend(doc, keys[:len(keys)-1])
	attr := keys[len(keys)-1]
	arr, _ := parent[attr].([]any)
	sub := strings.ToLower(op.path.SubAttributeName())
	matched := false
	var kept []any
	for _, el := range arr {
		m, ok := el.(document)
		if !ok || !matches(m, op.path.ValueExpression) {
			kept = append(kept, el)
			continue
		}
		matched = true
		switch {
		case op.op == "remove" && sub == "":
			continue // the element goes
		case op.op == "remove":
			delete(m, sub)
		case sub != "":
			m[sub] = op.value
		default:
			if v, ok := op.value.(document); ok {
				for k, mv := range v {
					m[k] = mv
				}
			}
		}
		kept = append(kept, m)
	}
	if !matched && op.op != "remove" {
		el, ok := equalities(op.path.ValueExpression)
		if !ok {
			return badRequest(typeNoTarget, "%s selects no value", op.raw)
		}
		if sub != "" {
			el[sub] = op.value
		} else if v, ok := op.value.(document); ok {
			for k, mv := range v {
				el[k] = mv
			}
		}
		kept = append(kept, el)
	}
	parent[attr] = kept
	return nil
}

// equalities returns the element a filter of and-ed equalities describes.
func equalities(expr filter.Expression) (document, bool) {
	switch e := expr.(type) {
	case *filter.AttributeExpression:
		if e.Operator != filter.EQ || e.AttributePath.SubAttribute != nil {
			return nil, false
		}
		v := e.CompareValue
		if s, ok := v.(string); ok {
			var err error
			if v, err = stringValue(s); err != nil {
				return nil, false
			}
		}
		return document{strings.ToLower(e.AttributePath.AttributeName): v}, true
	case *filter.LogicalExpression:
		if e.Operator != filter.AND {
			return nil, false
		}
		l, ok := equalities(e.Left)
		if !ok {
			return nil, false
		}
		r, ok := equalities(e.Right)
		if !ok {
			return nil, false
		}
		for k, v := range r {
			l[k] = v
		}
		return l, true
	}
	return nil, false
}

// matches evaluates a value filter on one element of one resource.
// Strings compare without regard to case.
func matches(el document, expr filter.Expression) bool {
	switch e := expr.(type) {
	case *filter.LogicalExpression:
		if e.Operator == filter.AND {
			return matches(el, e.Left) && matches(el, e.Right)
		}
		return matches(el, e.Left) || matches(el, e.Right)
	case *filter.NotExpression:
		return !matches(el, e.Expression)
	case *filter.AttributeExpression:
		have, present := el[strings.ToLower(e.AttributePath.AttributeName)]
		if e.Operator == filter.PR {
			return present && have != nil && have != ""
		}
		if !present {
			return e.Operator == filter.NE
		}
		switch have.(type) {
		case string, bool:
			f, err := compareConstant(have, e.Operator, e.CompareValue)
			return err == nil && isAll(f)
		}
		return false
	}
	return false
}

func anyPrimary(els []any) bool {
	for _, el := range els {
		if m, ok := el.(document); ok {
			if b, _ := boolValue(m["primary"]); b {
				return true
			}
		}
	}
	return false
}
