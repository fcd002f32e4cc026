package kanboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/creachadair/jrpc2"
)

// Kanboard's JsonRPC library answers the standard codes with these
// messages (jrpc2's own are lower-case and worded differently).
var (
	errParse          = &jrpc2.Error{Code: jrpc2.ParseError, Message: "Parse error"}
	errInvalidRequest = &jrpc2.Error{Code: jrpc2.InvalidRequest, Message: "Invalid Request"}
	errMethodNotFound = &jrpc2.Error{Code: jrpc2.MethodNotFound, Message: "Method not found"}
	errInternal       = &jrpc2.Error{Code: jrpc2.InternalError, Message: "Internal error"}
)

// invalidParams is -32602 with Kanboard's explanation as data, e.g.
// "Missing argument: user_id".
func invalidParams(why string) *jrpc2.Error {
	return (&jrpc2.Error{Code: jrpc2.InvalidParams, Message: "Invalid params"}).WithData(why)
}

// denial is an authentication or authorization failure: it replaces the
// whole HTTP response, batch included, as Kanboard's AuthenticationFailure
// and AccessDenied exceptions do.
type denial struct {
	status  int
	message string
	// challenge is sent as WWW-Authenticate.
	challenge string
	// retryAfter, when set, is sent as Retry-After (seconds).
	retryAfter int
}

func (d *denial) Error() string { return d.message }

var (
	errUnauthorized = &denial{status: http.StatusUnauthorized, message: "Unauthorized", challenge: `Basic realm="JsonRPC"`}
	errForbidden    = &denial{status: http.StatusForbidden, message: "Forbidden"}
)

// Kanboard has no rate limit of its own; a throttled request is answered
// like its other refusals, as the JSON-RPC object whose code is the HTTP
// status, so a client that raises on non-2xx stops there.
const msgTooManyRequests = "Too Many Requests"

func tooManyRequests(seconds int) *denial {
	return &denial{status: http.StatusTooManyRequests, message: msgTooManyRequests, retryAfter: seconds}
}

// tooManyRequestsInBatch is the error object of one batch member refused
// for too many requests: the other members keep their answers (some may
// have changed the directory already), so the whole response cannot be
// replaced.
func tooManyRequestsInBatch(seconds int) *jrpc2.Error {
	return (&jrpc2.Error{Code: http.StatusTooManyRequests, Message: msgTooManyRequests}).
		WithData(fmt.Sprintf("Retry after %d seconds", seconds))
}

// body is the denial's JSON-RPC object; its code is the HTTP status.
func (d *denial) body() []byte {
	b, _ := encodeReply(nil, nil, &jrpc2.Error{Code: jrpc2.Code(d.status), Message: d.message})
	return b
}

// nullID is the id of answers to requests whose id could not be read.
var nullID = json.RawMessage("null")

// encodeReply writes one response object with Kanboard's key order
// (jsonrpc, result or error, id) and PHP's JSON_UNESCAPED_SLASHES |
// JSON_UNESCAPED_UNICODE output: no HTML escaping either, so names come
// back as they were sent.
func encodeReply(id json.RawMessage, result any, rpcErr *jrpc2.Error) ([]byte, error) {
	if len(id) == 0 {
		id = nullID
	}
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0",`)
	if rpcErr != nil {
		b.WriteString(`"error":`)
		if err := encodeTo(&b, rpcErr); err != nil {
			return nil, err
		}
	} else {
		b.WriteString(`"result":`)
		if err := encodeTo(&b, result); err != nil {
			return nil, err
		}
	}
	b.WriteString(`,"id":`)
	b.Write(id)
	b.WriteByte('}')
	return b.Bytes(), nil
}

func encodeTo(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}

// joinBatch wraps the answers of a batch in a JSON array, in request order.
func joinBatch(replies [][]byte) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, r := range replies {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r)
	}
	b.WriteByte(']')
	return b.Bytes()
}
