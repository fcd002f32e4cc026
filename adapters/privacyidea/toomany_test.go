package privacyidea

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
// is HTTP 429 in privacyIDEA's error envelope with Retry-After.
func TestTooManyRequestsEnvelope(t *testing.T) {
	err := fmt.Errorf("login: %w", &identity.RetryAfterError{After: 2500 * time.Millisecond, Reason: "test"})
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/auth", nil), rec)
	env := envelope{versionNumber: "3.9", now: time.Now}
	if e := env.fail(c, clientFacing(err, "")); e != nil {
		t.Fatal(e)
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "3" {
		t.Fatalf("status %d, Retry-After %q; want 429, 3", rec.Code, rec.Header().Get("Retry-After"))
	}
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Result.Status || body.Result.Error.Code != codePolicy || body.Result.Error.Message != "Too many requests. Retry after 3 seconds." {
		t.Fatalf("body %s", rec.Body)
	}
}
