package serve_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestEmbeddedReadModel runs the binary on an embedded domain with
// `readModel: on`: the store is served through the read model (the
// domain is ready and its model serving, as /metrics says), a user
// created through Kanboard is read back by the next request, and that
// read — by id, which the model answers for the embedded store — was the
// model's.
func TestEmbeddedReadModel(t *testing.T) {
	const token = "embedded-readmodel-token-0123"
	cfg := e2eutil.DomainConfig(t, "example.com",
		map[string]any{"type": "embedded", "config": map[string]any{"readModel": "on"}},
		map[string]any{"dialects": map[string]any{"kanboard": map[string]any{"config": map[string]any{"token": token}}}})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	call := func(method string, params any) json.RawMessage {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, p.URL+"/jsonrpc.php", strings.NewReader(string(body)))
		req.SetBasicAuth("jsonrpc", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Result json.RawMessage `json:"result"`
			Error  any             `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Error != nil {
			t.Fatalf("%s: %v %v", method, err, out.Error)
		}
		return out.Result
	}
	before := e2eutil.Metric(t, p.URL, modelReads)
	for i := range 5 {
		name := "rm-embedded-" + strconv.Itoa(i)
		var id int
		if err := json.Unmarshal(call("createUser", map[string]any{"username": name, "password": "Secret-123"}), &id); err != nil || id == 0 {
			t.Fatalf("createUser(%s) = %d %v", name, id, err)
		}
		var u struct {
			Username string `json:"username"`
		}
		if err := json.Unmarshal(call("getUser", []any{id}), &u); err != nil || u.Username != name {
			t.Fatalf("getUser(%d) right after createUser(%s): %+v %v", id, name, u, err)
		}
	}
	if n := e2eutil.Metric(t, p.URL, modelReads); n-before < 5 {
		t.Errorf("the model answered %v of the reads by id, want at least 5", n-before)
	}
	resp, err := http.Get(p.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d with the model on", resp.StatusCode)
	}
}

// modelReads is the series of the domain's reads the model answered.
const modelReads = `dirgate_readmodel_reads_total{answeredBy="model",domain="example.com"}`
