package kanboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/creachadair/jrpc2"

	"github.com/dirgate/dirgate/pkg/identity"
)

// TestTooManyRequestsReplacesSingleAnswer: outside a batch (or when the
// credentials were throttled) the whole response is HTTP 429 with
// Kanboard's refusal object and Retry-After.
func TestTooManyRequestsReplacesSingleAnswer(t *testing.T) {
	x := &exchange{k: &Dialect{log: slog.New(slog.DiscardHandler)}}
	err := fmt.Errorf("auth: %w", &identity.RetryAfterError{After: 2 * time.Second, Reason: "test"})
	out, got := x.failure(context.Background(), err, func(any, *jrpc2.Error) ([]byte, error) {
		t.Fatal("a single request's answer must be replaced, not filled in")
		return nil, nil
	})
	var d *denial
	if out != nil || !errors.As(got, &d) {
		t.Fatalf("got %s, %v; want a denial", out, got)
	}
	if d.status != http.StatusTooManyRequests || d.retryAfter != 2 {
		t.Fatalf("denial %+v", d)
	}
	if want := `{"jsonrpc":"2.0","error":{"code":429,"message":"Too Many Requests"},"id":null}`; string(d.body()) != want {
		t.Fatalf("body %s, want %s", d.body(), want)
	}
}

// TestTooManyRequestsInBatchKeepsOtherAnswers: in a batch, a member
// refused for too many requests gets its own error object, so the
// answers of members that already ran are not lost.
func TestTooManyRequestsInBatchKeepsOtherAnswers(t *testing.T) {
	x := &exchange{k: &Dialect{log: slog.New(slog.DiscardHandler)}, batch: true}
	err := &identity.RetryAfterError{After: 3 * time.Second, Reason: "test"}
	out, got := x.failure(context.Background(), err, func(_ any, e *jrpc2.Error) ([]byte, error) {
		return encodeReply(json.RawMessage("7"), nil, e)
	})
	if got != nil {
		t.Fatalf("error %v; want an error object", got)
	}
	want := `{"jsonrpc":"2.0","error":{"code":429,"message":"Too Many Requests","data":"Retry after 3 seconds"},"id":7}`
	if string(out) != want || x.retryAfter != 3 {
		t.Fatalf("answer %s (Retry-After %d), want %s (3)", out, x.retryAfter, want)
	}
}
