package spec

import (
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestDocumentIsValid: the document is OpenAPI 3 that a viewer and a
// validator accept, every $ref resolving.
func TestDocumentIsValid(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(Document)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the document is invalid: %v", err)
	}
	if doc.Components.SecuritySchemes["bearer"] == nil || len(doc.Security) == 0 {
		t.Error("the document does not require the bearer token")
	}
}

// TestReadmeListsEveryOperation keeps README.md, the browsable index of
// the document, in step with it.
func TestReadmeListsEveryOperation(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(Document)
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if op := "`" + method + " " + path + "`"; !strings.Contains(string(readme), op) {
				t.Errorf("README.md does not list %s", op)
			}
		}
	}
}
