package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// Figures of the bounded stack: as many users as Kanboard's default
// maxResults lets one answer list, so a batch at the default cap lists
// them once and no more; AD-web's bound is set below them.
const (
	seededUsers     = 10000
	adwebMaxResults = 5000
	peopleDN        = "ou=people,dc=example,dc=com"
	// peakBound is what the process may reach answering the worst body a
	// client may send (it reached 1 GB before batches were capped): far
	// above what it needs, far below what an unbounded answer took.
	peakBound = 200 << 20
)

// bounded is a slapd seeded with seededUsers Kanboard users and a dirgate
// serving Kanboard (default bounds) and AD-web (maxResults
// adwebMaxResults) on it.
type bounded struct {
	p              *e2eutil.Process
	token          string
	key, keySecret string
	client         *http.Client
}

func startBounded(t *testing.T) *bounded {
	t.Helper()
	var ldif strings.Builder
	fmt.Fprintf(&ldif, "dn: %s\nobjectClass: organizationalUnit\nou: people\n\n", peopleDN)
	fmt.Fprintf(&ldif, "dn: ou=groups,dc=example,dc=com\nobjectClass: organizationalUnit\nou: groups\n\n")
	for i := range seededUsers {
		fmt.Fprintf(&ldif, "dn: uid=user%05d,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: user%05d\n"+
			"cn: User %d\nsn: User\ndisplayName: User Number %d\nmail: user%05d@example.com\nuidNumber: %d\ngidNumber: 10000\n"+
			"homeDirectory: /home/user%05d\n\n", i, peopleDN, i, i, i, i, 20000+i, i)
	}
	_, backend := e2eutil.LDAP(t, slapd.Options{LDIF: ldif.String()})
	kc, secret, err := adweb.NewKey("bounds", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &bounded{token: "wire-bounds-token-0123456789", key: kc.Key, keySecret: secret, client: &http.Client{Timeout: 60 * time.Second}}
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": map[string]any{
			"kanboard": map[string]any{"config": map[string]any{"token": b.token}},
			"adweb": map[string]any{"config": map[string]any{"maxResults": adwebMaxResults, "keys": []any{
				map[string]any{"name": kc.Name, "key": kc.Key, "secretHash": kc.SecretHash},
			}}},
		},
	})
	b.p = e2eutil.Start(t, e2eutil.Options{Config: cfg})
	return b
}

// rpc posts a JSON-RPC body with the application token.
func (b *bounded) rpc(t *testing.T, body []byte) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, b.p.URL+"/jsonrpc.php", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("jsonrpc:"+b.token)))
	r := call{name: "kanboard", client: b.client}.send(t, req)
	if r.status != http.StatusOK {
		t.Fatalf("kanboard: HTTP %d %.300s", r.status, r.body)
	}
	return r.body
}

// getAllUsers is a batch of n getAllUsers calls, all with id 1: the
// shortest call, 47 bytes, so 21,845 of them fit in 1 MiB.
func getAllUsers(n int) []byte {
	call := `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`
	return []byte("[" + strings.Repeat(call+",", n-1) + call + "]")
}

const invalidRequest = `{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}`

// TestKanboardBatchesAndAnswersAreBounded: the body that made a 185 MB
// answer and a 1 GB process (21,845 getAllUsers in 1 MiB) is one Invalid
// Request; a batch at the default cap (100) lists the users once, within
// the default maxResults, and answers the other calls "Too many results".
func TestKanboardBatchesAndAnswersAreBounded(t *testing.T) {
	b := startBounded(t)
	t.Logf("idle after start: %s", b.p.Memory(t))

	attack := getAllUsers(21845)
	if len(attack) > 1<<20 {
		t.Fatalf("the attack body is %d bytes, over the 1 MiB body limit", len(attack))
	}
	if got := b.rpc(t, attack); string(got) != invalidRequest {
		t.Errorf("21,845 calls: %.300s, want %s", got, invalidRequest)
	}
	if got := b.rpc(t, getAllUsers(101)); string(got) != invalidRequest {
		t.Errorf("101 calls (default maxBatch 100): %.300s, want %s", got, invalidRequest)
	}
	t.Logf("after the refused batches: %s", b.p.Memory(t))

	answer := b.rpc(t, getAllUsers(100))
	var replies []struct {
		Result []map[string]any `json:"result"`
		Error  *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(answer, &replies); err != nil || len(replies) != 100 {
		t.Fatalf("100 calls: %d replies, %v: %.300s", len(replies), err, answer)
	}
	listed, refused := 0, 0
	for i, r := range replies {
		switch {
		case r.Error != nil && r.Error.Code == -32000:
			refused++
		case r.Error == nil && len(r.Result) == seededUsers:
			listed += len(r.Result)
		default:
			t.Errorf("reply %d: %d users, error %+v", i, len(r.Result), r.Error)
		}
	}
	if listed != seededUsers || refused != 99 {
		t.Errorf("100 getAllUsers: %d users listed and %d calls refused, want %d and 99", listed, refused, seededUsers)
	}
	m := b.p.Memory(t)
	t.Logf("after the largest answer a batch may have (%d bytes, %d users): %s", len(answer), listed, m)
	if m.Peak > peakBound {
		t.Errorf("peak resident memory %s, want under %d MiB", m, peakBound>>20)
	}
}

// TestADWebListingIsBounded: getusers over more users than maxResults is
// TOO_MANY_RESULTS, not an answer as large as the directory.
func TestADWebListingIsBounded(t *testing.T) {
	b := startBounded(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		b.p.URL+"/restapi/getusers?ouDN="+peopleDN+"&FQDN=example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("ApiKey", b.key)
	req.Header.Set("ApiSecret", b.keySecret)
	r := call{name: "adweb getusers", client: b.client}.send(t, req)
	v := r.json(t)
	if r.status != http.StatusBadRequest || v["success"] != false || v["errorCode"] != "TOO_MANY_RESULTS" ||
		!strings.Contains(v["message"].(string), fmt.Sprint(adwebMaxResults)) {
		t.Errorf("getusers of %d users, bound %d: HTTP %d %.300s", seededUsers, adwebMaxResults, r.status, r.body)
	}
}
