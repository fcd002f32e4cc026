package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// kanboard is a JSON-RPC client of dirgate's Kanboard dialect in
// application mode.
type kanboard struct {
	url   string
	token string
	http  *http.Client
}

// clientTimeout is far above every timeout the tests configure: a request
// that hangs is measured, not cut short by the client.
const clientTimeout = 30 * time.Second

func newKanboard(baseURL, token string, keepAlive bool) *kanboard {
	tr := &http.Transport{DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 4}
	return &kanboard{url: baseURL + "/jsonrpc.php", token: token, http: &http.Client{Timeout: clientTimeout, Transport: tr}}
}

// outcome is how one request ended, seen from the client.
type outcome int

const (
	// acked: HTTP 200 with a positive integer result (createUser's new
	// id) or a user object (getUserByName).
	acked outcome = iota
	// declined: a complete JSON-RPC answer that is not a success: false,
	// null, or an error object (the directory failed: -32603).
	declined
	// refused: the connection was refused; nothing was sent.
	refused
	// dropped: the connection was accepted or reused, then closed or reset
	// before any byte of an answer arrived.
	dropped
	// half: an answer started but did not arrive whole, or is not the
	// dialect's JSON: what a client must never see.
	half
	// other: anything else (a client-side timeout: a hang).
	other
	outcomes
)

func (o outcome) String() string {
	return [...]string{"acked", "declined", "refused", "dropped", "half", "other"}[o]
}

// result is one request.
type result struct {
	name    string
	start   time.Time
	latency time.Duration
	outcome outcome
	id      int64  // createUser's answer when acked
	detail  string // the answer or error when not acked
}

func (r result) end() time.Time { return r.start.Add(r.latency) }

// call posts one JSON-RPC request and classifies the exchange.
func (k *kanboard) call(ctx context.Context, method string, params any) (result, json.RawMessage) {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	r := result{start: time.Now()}
	defer func() { r.latency = time.Since(r.start) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.url, bytes.NewReader(body))
	if err != nil {
		panic(err) // a malformed URL is the test's own bug
	}
	req.SetBasicAuth("jsonrpc", k.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := k.http.Do(req)
	if err != nil {
		r.outcome, r.detail = transportOutcome(err), err.Error()
		r.latency = time.Since(r.start)
		return r, nil
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.latency = time.Since(r.start)
	if err != nil {
		r.outcome, r.detail = half, fmt.Sprintf("HTTP %d, body cut: %v (%q)", resp.StatusCode, err, raw)
		return r, nil
	}
	var env struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      *int            `json:"id"`
		Result  json.RawMessage `json:"result"`
		Error   json.RawMessage `json:"error"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &env) != nil || env.JSONRPC != "2.0" || env.ID == nil || *env.ID != 1 {
		r.outcome, r.detail = half, fmt.Sprintf("HTTP %d %q", resp.StatusCode, raw)
		return r, nil
	}
	if env.Error != nil {
		r.outcome, r.detail = declined, string(env.Error)
		return r, nil
	}
	r.outcome, r.detail = acked, string(env.Result)
	return r, env.Result
}

// createUser calls createUser(name, password): acked only with the new
// user's id.
func (k *kanboard) createUser(ctx context.Context, name string) result {
	r, res := k.call(ctx, "createUser", []any{name, "Fault-Pw-1"})
	r.name = name
	if r.outcome == acked {
		if err := json.Unmarshal(res, &r.id); err != nil || r.id <= 0 {
			r.outcome, r.id = declined, 0
		}
	}
	return r
}

// userID returns the id getUserByName answers (0 for null), failing on
// anything but a complete answer.
func (k *kanboard) userID(ctx context.Context, name string) (int64, error) {
	r, res := k.call(ctx, "getUserByName", map[string]any{"username": name})
	if r.outcome != acked {
		return 0, fmt.Errorf("getUserByName(%s): %s: %s", name, r.outcome, r.detail)
	}
	if string(res) == "null" {
		return 0, nil
	}
	var u struct {
		ID       json.Number `json:"id"`
		Username string      `json:"username"`
	}
	if err := json.Unmarshal(res, &u); err != nil || u.Username != name {
		return 0, fmt.Errorf("getUserByName(%s) = %s", name, res)
	}
	return u.ID.Int64()
}

// transportOutcome tells a refused connection from one dropped after it
// was made. A response cut inside its header (io.ErrUnexpectedEOF, a
// malformed status line) is half an answer; a client-side timeout is a
// hang ("other").
func transportOutcome(err error) outcome {
	var ne net.Error
	msg := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return refused
	case errors.As(err, &ne) && ne.Timeout():
		return other
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(msg, "malformed HTTP"):
		return half
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, syscall.EPIPE),
		strings.Contains(msg, "server closed idle connection"):
		return dropped
	}
	return other
}
