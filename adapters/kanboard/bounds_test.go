package kanboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// batchOf is a batch of n createUser calls with ids, users b0, b1, ….
func batchOf(n int) string {
	calls := make([]string, n)
	for i := range calls {
		calls[i] = fmt.Sprintf(`{"jsonrpc":"2.0","method":"createUser","params":["b%d","123456"],"id":%d}`, i, i)
	}
	return "[" + strings.Join(calls, ",") + "]"
}

func TestOversizedBatchIsOneInvalidRequestAndRunsNothing(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxBatch = 3 })
	before := h.countUsers()
	res := h.app(batchOf(4))
	if res.status != http.StatusOK || res.body != invalidRequest {
		t.Errorf("4 calls over a cap of 3: HTTP %d %s, want 200 %s", res.status, res.body, invalidRequest)
	}
	wantEqual(t, "users after the refused batch", h.countUsers(), before)
	// Refused before the credentials are looked at: nothing of it runs,
	// a bind included.
	res = h.send("", "", batchOf(4))
	if res.status != http.StatusOK || res.body != invalidRequest {
		t.Errorf("without credentials: HTTP %d %s, want 200 %s", res.status, res.body, invalidRequest)
	}

	res = h.app(batchOf(3))
	var replies []map[string]any
	if err := json.Unmarshal([]byte(res.body), &replies); err != nil || len(replies) != 3 {
		t.Fatalf("3 calls at a cap of 3: HTTP %d %s", res.status, res.body)
	}
	wantEqual(t, "users after the batch at the cap", h.countUsers(), before+3)
	// A single request is no batch, whatever the cap.
	h1 := newHarness(t, func(c *Config) { c.MaxBatch = 1 })
	wantEqual(t, "single call at a cap of 1", h1.call("getAllUsers", nil), "[]")
}

func TestDefaultBatchCap(t *testing.T) {
	h := newHarness(t)
	res := h.app(batchOf(DefaultMaxBatch + 1))
	if res.body != invalidRequest {
		t.Errorf("%d calls: %.200s, want %s", DefaultMaxBatch+1, res.body, invalidRequest)
	}
}

func TestAnswerListsAtMostMaxResultsUsers(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxResults = 5 })
	for i := range 4 {
		h.createUser(fmt.Sprintf("u%d", i), "123456")
	}
	var all []map[string]any
	if err := json.Unmarshal([]byte(h.call("getAllUsers", nil)), &all); err != nil || len(all) != 4 {
		t.Fatalf("4 users under a bound of 5: %v %v", all, err)
	}

	// A batch shares the bound: the second listing would pass it.
	res := h.app(`[{"jsonrpc":"2.0","method":"getAllUsers","id":1},{"jsonrpc":"2.0","method":"getAllUsers","id":2},` +
		`{"jsonrpc":"2.0","method":"getUserByName","params":["u1"],"id":3}]`)
	var replies []struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
		ID int `json:"id"`
	}
	if err := json.Unmarshal([]byte(res.body), &replies); err != nil || len(replies) != 3 {
		t.Fatalf("batch: HTTP %d %s", res.status, res.body)
	}
	if replies[0].Error != nil || replies[2].Error != nil {
		t.Errorf("the first listing and the lookup should succeed: %s", res.body)
	}
	if e := replies[1].Error; e == nil || e.Code != -32000 || e.Message != "Too many results" || !strings.Contains(e.Data, "5") || replies[1].ID != 2 {
		t.Errorf("second listing: %s, want -32000 Too many results naming the bound", res.body)
	}

	// One listing past the bound alone.
	h.createUser("u4", "123456")
	h.createUser("u5", "123456")
	res = h.app(`{"jsonrpc":"2.0","method":"getAllUsers","id":7}`)
	if !strings.Contains(res.body, `"code":-32000`) || !strings.Contains(res.body, `"id":7`) || strings.Contains(res.body, `"username"`) {
		t.Errorf("6 users under a bound of 5: %s", res.body)
	}
}

func TestLoneSurrogateIsAParseErrorAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	before := h.countUsers()
	for _, s := range []string{`\ud800`, `\udfff`, `a\ud83d`, `\ude00\ud83d`} {
		res := h.app(`{"jsonrpc":"2.0","method":"createUser","params":["sur` + s + `","123456"],"id":1}`)
		if res.status != http.StatusOK || res.body != parseError {
			t.Errorf("%s: HTTP %d %s, want 200 %s (PHP's json_decode refuses it)", s, res.status, res.body, parseError)
		}
	}
	wantEqual(t, "users after lone surrogates", h.countUsers(), before)
	// A pair is a character like any other.
	res := h.app(`{"jsonrpc":"2.0","method":"createUser","params":["pair\ud83d\ude00","123456"],"id":1}`)
	if strings.Contains(res.body, "error") {
		t.Errorf("a surrogate pair: %s", res.body)
	}
}
