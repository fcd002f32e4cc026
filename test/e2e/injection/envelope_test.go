package injection_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// envelope holds an answer to its dialect's envelope (dialects.md) and
// says whether the operation took effect. Whatever the input, an answer
// is never a 5xx, never a stack, never slow enough to count as a hang.
func (s *stackOf) envelope(t *testing.T, dialect, what string, r hostile.Reply) outcome {
	t.Helper()
	if r.Status >= 500 {
		t.Errorf("%s: HTTP %d %s", what, r.Status, clipBody(r.Body))
		return outcome{}
	}
	if bytes.Contains(r.Body, []byte("goroutine ")) || bytes.Contains(r.Body, []byte(".go:")) {
		t.Errorf("%s: the answer shows a stack or source location: %s", what, clipBody(r.Body))
	}
	if r.Elapsed > slowest {
		t.Errorf("%s: answered after %s", what, r.Elapsed)
	}
	var o outcome
	var ok bool
	switch dialect {
	case "artica":
		o, ok = articaOutcome(r)
	case "adweb":
		o, ok = adwebOutcome(r)
	case "privacyidea":
		o, ok = privacyIDEAOutcome(r)
	case "kanboard":
		o, ok = kanboardOutcome(r)
	case "openapi":
		o, ok = openAPIOutcome(r)
	}
	if !ok {
		t.Errorf("%s: HTTP %d, not the %s envelope: %s", what, r.Status, dialect, clipBody(r.Body))
	}
	return o
}

// articaOutcome: HTTP 200, {"Status": bool, "Error": "...", ...}.
func articaOutcome(r hostile.Reply) (outcome, bool) {
	var env struct {
		Status *bool   `json:"Status"`
		Error  *string `json:"Error"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &env) != nil || env.Status == nil || env.Error == nil {
		return outcome{}, false
	}
	return outcome{done: *env.Status, message: *env.Error}, *env.Status || *env.Error != ""
}

// adwebOutcome: {"success": true, "data"} with 200, or {"success": false,
// "message", "errorCode"} with 4xx.
func adwebOutcome(r hostile.Reply) (outcome, bool) {
	var env struct {
		Success   *bool  `json:"success"`
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(r.Body, &env) != nil || env.Success == nil {
		return outcome{}, false
	}
	if *env.Success {
		return outcome{done: true}, r.Status == http.StatusOK
	}
	return outcome{message: env.ErrorCode + ": " + env.Message}, r.Status >= 400 && env.ErrorCode != "" && env.Message != ""
}

// privacyIDEAOutcome: {"jsonrpc":"2.0","result":{"status":…,"value"|"error"}}.
// A value of false (PUT of an unknown user) did nothing.
func privacyIDEAOutcome(r hostile.Reply) (outcome, bool) {
	var env struct {
		JSONRPC string `json:"jsonrpc"`
		Result  *struct {
			Status bool            `json:"status"`
			Value  json.RawMessage `json:"value"`
			Error  *struct {
				Code    *int   `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"result"`
	}
	if json.Unmarshal(r.Body, &env) != nil || env.JSONRPC != "2.0" || env.Result == nil {
		return outcome{}, false
	}
	if env.Result.Status {
		v := string(env.Result.Value)
		return outcome{done: v != "false" && v != "null"}, r.Status == http.StatusOK
	}
	e := env.Result.Error
	if e == nil || e.Code == nil || e.Message == "" {
		return outcome{}, false
	}
	return outcome{message: e.Message}, r.Status >= 400
}

// kanboardOutcome: HTTP 200 with a JSON-RPC response; a result of false
// or null is Kanboard's "did nothing".
func kanboardOutcome(r hostile.Reply) (outcome, bool) {
	var env struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  json.RawMessage `json:"result"`
		Error   *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(r.Body, &env) != nil || env.JSONRPC != "2.0" {
		return outcome{}, false
	}
	if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
		// Kanboard's denial replaces the answer.
		return outcome{message: "denied"}, env.Error != nil && env.Error.Code == r.Status
	}
	if r.Status != http.StatusOK {
		return outcome{}, false
	}
	if env.Error != nil {
		return outcome{message: env.Error.Message}, env.Error.Message != ""
	}
	v := string(env.Result)
	return outcome{done: v != "false" && v != "null" && v != ""}, v != ""
}

// openAPIOutcome: a 2xx answer, or 4xx {"error": "..."} and nothing else.
func openAPIOutcome(r hostile.Reply) (outcome, bool) {
	if r.Status < 300 {
		return outcome{done: true}, true
	}
	var env map[string]any
	if json.Unmarshal(r.Body, &env) != nil || len(env) != 1 {
		return outcome{}, false
	}
	msg, _ := env["error"].(string)
	return outcome{message: msg}, msg != ""
}
