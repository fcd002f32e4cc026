// Package throttle_test drives the built dirgate binary with floods of
// wrong credentials, from several loopback source addresses (127.0.0.x)
// and through a trusted proxy's headers: each dialect throttles them with
// 429 and Retry-After in its own envelope, before the directory's lockout
// counter sees them, so the account's owner still logs in from elsewhere.
package throttle_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }

// from is an HTTP client whose connections come from source address ip
// (any 127.0.0.0/8 address reaches a loopback listener on Linux).
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

// answer is one HTTP response, read whole.
type answer struct {
	status     int
	body       string
	retryAfter string
}

func do(t *testing.T, c *http.Client, method, url, body string, h http.Header) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: res.StatusCode, body: string(b), retryAfter: res.Header.Get("Retry-After")}
}

// flood sends n copies of a request at once and returns the answers.
func flood(t *testing.T, n int, send func() answer) []answer {
	t.Helper()
	out := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = send() })
	}
	wg.Wait()
	return out
}

// tally counts the answers by status, checking every 429 for a
// Retry-After of at least one second and the dialect's envelope.
func tally(t *testing.T, what string, answers []answer, envelope func(body string) bool) map[int]int {
	t.Helper()
	counts := map[int]int{}
	for _, a := range answers {
		counts[a.status]++
		if a.status != http.StatusTooManyRequests {
			continue
		}
		if s, err := strconv.Atoi(a.retryAfter); err != nil || s < 1 {
			t.Errorf("%s: 429 with Retry-After %q", what, a.retryAfter)
		}
		if !envelope(a.body) {
			t.Errorf("%s: 429 body is not the dialect's envelope: %s", what, a.body)
		}
	}
	return counts
}

func basic(user, password string) http.Header {
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))}}
}

const getAllUsers = `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`

// kanboard429 is Kanboard's refusal object for too many requests.
func kanboard429(body string) bool {
	return body == `{"jsonrpc":"2.0","error":{"code":429,"message":"Too Many Requests"},"id":null}`
}

func privacyIDEA429(body string) bool {
	var b struct {
		Result struct {
			Status bool
			Error  struct {
				Code    int
				Message string
			}
		}
	}
	return json.Unmarshal([]byte(body), &b) == nil && !b.Result.Status && b.Result.Error.Code == 303 &&
		strings.HasPrefix(b.Result.Error.Message, "Too many requests. Retry after ")
}

func openAPI429(body string) bool {
	var b map[string]string
	return json.Unmarshal([]byte(body), &b) == nil && len(b) == 1 && strings.HasPrefix(b["error"], "too many requests; retry after ")
}

func adweb429(body string) bool {
	var b struct {
		Success   bool   `json:"success"`
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	return json.Unmarshal([]byte(body), &b) == nil && !b.Success && b.ErrorCode == "TOO_MANY_REQUESTS" &&
		strings.HasPrefix(b.Message, "too many requests; retry after ")
}

func artica429(body string) bool {
	var b map[string]any
	return json.Unmarshal([]byte(body), &b) == nil && b["Status"] == false &&
		strings.HasPrefix(b["Error"].(string), "too many requests, retry after ") && b["Info"] == ""
}
