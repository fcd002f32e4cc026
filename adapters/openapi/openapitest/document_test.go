package openapitest_test

import (
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
)

func TestDocumentIsValidOpenAPI(t *testing.T) {
	doc, err := openapitest.Document()
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Paths.Len(); n < 25 {
		t.Fatalf("the document has %d paths; expected every endpoint", n)
	}
}
