package openapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// TestTooManyRequestsEnvelope: a throttled call (or a full hashing bound)
// is HTTP 429 {"error":…} with Retry-After.
func TestTooManyRequestsEnvelope(t *testing.T) {
	err := fmt.Errorf("login: %w", &identity.RetryAfterError{After: 61 * time.Second, Reason: "test"})
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodPost, "/api/login", nil), rec)
	d := &Dialect{log: slog.New(slog.DiscardHandler)}
	if e := d.respondError(c, err); e != nil {
		t.Fatal(e)
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "61" {
		t.Fatalf("status %d, Retry-After %q; want 429, 61", rec.Code, rec.Header().Get("Retry-After"))
	}
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Error != "too many requests; retry after 61 seconds" {
		t.Fatalf("body %s", rec.Body)
	}
}
