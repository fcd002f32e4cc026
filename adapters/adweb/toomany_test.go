package adweb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// TestTooManyRequestsEnvelope: a throttled call (or a full hashing bound)
// is HTTP 429 TOO_MANY_REQUESTS with Retry-After.
func TestTooManyRequestsEnvelope(t *testing.T) {
	err := fmt.Errorf("check: %w", &identity.RetryAfterError{After: 4 * time.Second, Reason: "test"})
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/restapi/getdn", nil), rec)
	if e := writeError(c, fromCore(err, subjectUser, "x")); e != nil {
		t.Fatal(e)
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "4" {
		t.Fatalf("status %d, Retry-After %q; want 429, 4", rec.Code, rec.Header().Get("Retry-After"))
	}
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Success || body.ErrorCode != codeTooManyRequests || body.Message != "too many requests; retry after 4 seconds" {
		t.Fatalf("body %s", rec.Body)
	}
}
