package console

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiDocument is the OpenAPI document as /api/docs serves it: the
// dialect's, with the dialect's configured prefix as its server, so "try
// it" calls this same server where the dialect really is.
func apiDocument(doc []byte, prefix string) ([]byte, error) {
	if prefix == "" {
		return doc, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("console: the OpenAPI document: %w", err)
	}
	servers, err := json.Marshal([]map[string]string{{"url": prefix, "description": "this dirgate"}})
	if err != nil {
		return nil, err
	}
	m["servers"] = servers
	return json.Marshal(m)
}

// apiDocs is Swagger UI over the document; apidocs.js starts it (no
// inline script).
func (con *Console) apiDocs(c echo.Context) error {
	return con.write(c, http.StatusOK, con.pages["apidocs"], "apidocs", nil)
}

func (con *Console) apiDocument(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSONBlob(http.StatusOK, con.o.OpenAPIDocument)
}
