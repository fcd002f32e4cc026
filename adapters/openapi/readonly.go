package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dirgate/dirgate/adapters/openapi/spec"
)

// schemaDocument is the served document, parsed once, for the schemas of
// the members a body may carry but not change.
var schemaDocument = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec.Document)
	if err != nil {
		return nil, fmt.Errorf("embedded OpenAPI document: %w", err)
	}
	return doc, nil
})

// checkReadOnly: a read-only member of a POST or PUT body is ignored, so a
// client can send back what it read, but only when its value is one the
// document allows there (its type, its enum, its format): anything else
// is the 400 any other schema violation gets.
func (s entitySchema) checkReadOnly(name string, raw json.RawMessage) error {
	doc, err := schemaDocument()
	if err != nil {
		return err
	}
	entity := doc.Components.Schemas[s.component]
	if entity == nil || entity.Value == nil {
		return fmt.Errorf("embedded OpenAPI document: no schema %s", s.component)
	}
	prop := entity.Value.Properties[name]
	if prop == nil || prop.Value == nil {
		return fmt.Errorf("embedded OpenAPI document: %s has no member %s", s.component, name)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return badRequest("%s: malformed value", name)
	}
	if err := prop.Value.VisitJSON(v); err != nil {
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			return badRequest("%s: %s", name, se.Reason)
		}
		return badRequest("%s: not a valid value", name)
	}
	return nil
}
