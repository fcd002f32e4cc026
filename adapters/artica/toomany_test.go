package artica

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// TestTooManyRequestsEnvelope: a throttled call (or a full hashing bound)
// is HTTP 429 with Artica's failure body and Retry-After.
func TestTooManyRequestsEnvelope(t *testing.T) {
	err := fmt.Errorf("create: %w", identity.ErrTooManyRequests)
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/openldap/members", nil), rec)
	if e := (&Dialect{}).failErr(c, "member x", err); e != nil {
		t.Fatal(e)
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q; want 429, 1", rec.Code, rec.Header().Get("Retry-After"))
	}
	var body failure
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Status || body.Error != "too many requests, retry after 1 seconds" {
		t.Fatalf("body %s", rec.Body)
	}
}
