package kanboard

import (
	"context"
	"errors"

	"github.com/creachadair/jrpc2"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/jsoncheck"
	"github.com/dirgate/dirgate/pkg/identity"
)

// exchange answers one HTTP request: one JSON-RPC request or a batch.
// Credentials are checked once, when the first well-formed request needs
// them, as Kanboard's middleware runs per request but with the same
// credentials for all.
type exchange struct {
	k                  *Dialect
	requestID          string
	username, password string
	newCaller          func(name string) identity.Caller

	authenticated bool
	who           principal
	authErr       error
	authorized    bool
	authzErr      error

	// methods records the procedures called, for the metrics route.
	methods []string
	batch   bool
	// retryAfter is the longest wait a batch member was told to observe,
	// sent as Retry-After.
	retryAfter int
}

// answer returns the response body (empty when there is nothing to
// answer) or a *denial that replaces the whole response.
//
// jrpc2 parses the body and checks each request's shape; what Kanboard
// does differently is decided here: a body that is not an object or array,
// not UTF-8 or with a lone surrogate escape is a parse error, `[]` is one
// invalid-request object, and unknown members of a request are ignored
// rather than refused. What dirgate adds: a batch over maxBatch is one
// invalid-request object, and the calls share a budget of maxResults
// listed users.
func (x *exchange) answer(ctx context.Context, body []byte) ([]byte, error) {
	// PHP's json_decode refuses invalid UTF-8 and lone surrogate escapes
	// where encoding/json would quietly turn them into U+FFFD.
	if b := firstByte(body); b != '{' && b != '[' || jsoncheck.Text(body) != nil {
		return encodeReply(nil, nil, errParse)
	}
	reqs, err := jrpc2.ParseRequests(body)
	if err != nil {
		return encodeReply(nil, nil, errParse)
	}
	if len(reqs) == 0 {
		return encodeReply(nil, nil, errInvalidRequest)
	}
	x.batch = reqs[0].Batch
	if len(reqs) > x.k.maxBatch {
		// Before credentials and before any call: nothing of an oversized
		// batch runs. The answer is the library's to an invalid request.
		x.k.log.InfoContext(ctx, "kanboard: batch refused: too many requests",
			"requests", len(reqs), "max_batch", x.k.maxBatch, "request_id", x.requestID)
		return encodeReply(nil, nil, errInvalidRequest)
	}
	ctx = withListBudget(ctx, x.k.maxResults)
	var replies [][]byte
	for _, r := range membersOf(body, reqs, x.batch) {
		reply, err := x.handle(ctx, r)
		if err != nil {
			return nil, err
		}
		if reply != nil {
			replies = append(replies, reply)
		}
	}
	switch {
	case len(replies) == 0:
		return nil, nil
	case x.batch:
		return joinBatch(replies), nil
	default:
		return replies[0], nil
	}
}

// handle answers one request in Kanboard's order: its shape, the
// credentials, the method, the caller's role, the arguments, the call.
// A notification runs but gets no answer, unless its shape is invalid.
func (x *exchange) handle(ctx context.Context, r member) ([]byte, error) {
	if r.malformed != nil {
		return encodeReply(nil, nil, r.malformed)
	}
	notification := len(r.id) == 0
	reply := func(result any, rpcErr *jrpc2.Error) ([]byte, error) {
		if notification {
			return nil, nil
		}
		return encodeReply(r.id, result, rpcErr)
	}
	if err := x.authenticate(ctx); err != nil {
		return x.failure(ctx, err, reply)
	}
	p, ok := lookupProcedure(r.Method)
	if !ok {
		return reply(nil, errMethodNotFound)
	}
	x.methods = append(x.methods, p.name)
	if err := x.authorize(ctx); err != nil {
		return x.failure(ctx, err, reply)
	}
	a, perr := bind(r.Params, p.params)
	if perr != nil {
		return reply(nil, perr)
	}
	result, err := p.run(ctx, x.k.users, x.who.caller, a)
	if err != nil {
		return x.failure(ctx, err, reply)
	}
	return reply(result, nil)
}

// failure passes a denial up to replace the whole response and turns any
// other error (the directory failing) into -32603 for this request, with
// the diagnostic in the log only.
//
// Too many requests replaces the whole response when it is the
// credentials that were refused, or when there is no batch to keep
// answers for; in a batch it is that member's error object.
func (x *exchange) failure(ctx context.Context, err error, reply func(any, *jrpc2.Error) ([]byte, error)) ([]byte, error) {
	var d *denial
	if errors.As(err, &d) {
		return nil, d
	}
	if errors.Is(err, dialect.ErrTooManyResults) {
		return reply(nil, errTooManyResults.WithData(err.Error()))
	}
	if seconds, ok := identity.RetryAfter(err); ok {
		x.k.log.DebugContext(ctx, "kanboard: too many requests", "request_id", x.requestID, "error", err)
		if !x.batch || errors.Is(x.authErr, identity.ErrTooManyRequests) {
			return nil, tooManyRequests(seconds)
		}
		x.retryAfter = max(x.retryAfter, seconds)
		return reply(nil, tooManyRequestsInBatch(seconds))
	}
	x.k.log.WarnContext(ctx, "kanboard: request failed", "username", x.username,
		"request_id", x.requestID, "error", err)
	return reply(nil, errInternal)
}

// wellFormed applies Kanboard's RpcFormatValidator to what jrpc2 parsed:
// jsonrpc "2.0", a string method, params an array or object (members.go
// adds what jrpc2 cannot see). jrpc2 also refuses members a request does
// not have; Kanboard ignores them, and jrpc2 reports them as the only
// error that carries data (their names).
func wellFormed(r *jrpc2.ParsedRequest) bool {
	return r.Error == nil || r.Error.Code == jrpc2.InvalidRequest && len(r.Error.Data) > 0
}

func (x *exchange) authenticate(ctx context.Context) error {
	if !x.authenticated {
		x.authenticated = true
		x.who, x.authErr = x.k.authenticate(ctx, x.username, x.password, x.newCaller)
	}
	return x.authErr
}

func (x *exchange) authorize(ctx context.Context) error {
	if !x.authorized {
		x.authorized = true
		x.authzErr = x.k.authorize(ctx, x.who)
	}
	return x.authzErr
}

// route names the request for metrics: the procedure of a single call,
// "jsonrpc:batch" for a batch, "" (the default route) otherwise.
func (x *exchange) route() string {
	switch {
	case x.batch:
		return "jsonrpc:batch"
	case len(x.methods) == 1:
		return "jsonrpc:" + x.methods[0]
	default:
		return ""
	}
}
