package spec

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestReadmeListsEveryOperation keeps README.md, the browsable index of
// the document, in step with it.
func TestReadmeListsEveryOperation(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(Document, &doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			op := "`" + strings.ToUpper(method) + " " + path + "`"
			if !strings.Contains(string(readme), op) {
				t.Errorf("README.md does not list %s", op)
			}
		}
	}
}
