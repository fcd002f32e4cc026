package kanboard

import (
	"encoding/json"

	"github.com/creachadair/jrpc2"
)

// member is one request of a body as Kanboard's RequestParser sees it:
// jrpc2's parse, with the id and the verdict on its shape taken from the
// request as sent, where Kanboard and jrpc2 disagree.
type member struct {
	*jrpc2.ParsedRequest
	// id is echoed in the answer as sent, whatever its JSON type
	// (ResponseBuilder::withId); empty for a notification.
	id json.RawMessage
	// malformed is the error answered for the request's shape, with a
	// null id; nil when it may be called.
	malformed *jrpc2.Error
}

// membersOf pairs what jrpc2 parsed with the raw requests of the body.
func membersOf(body []byte, reqs []*jrpc2.ParsedRequest, batch bool) []member {
	raws := []json.RawMessage{body}
	if batch {
		if err := json.Unmarshal(body, &raws); err != nil || len(raws) != len(reqs) {
			raws = make([]json.RawMessage, len(reqs)) // jrpc2 read what encoding/json did not: judge by its parse alone
		}
	}
	out := make([]member, len(reqs))
	for i, r := range reqs {
		out[i] = asSent(r, raws[i])
	}
	return out
}

// asSent judges one request as Kanboard's validators do.
// JsonFormatValidator: a batch member that is not an array or object is a
// parse error (-32700). RpcFormatValidator: jsonrpc "2.0", method set and
// a string (empty is a name like any other, for -32601), params an array
// or object if present; else -32600. The id is not checked: an object,
// array or boolean is echoed, where jrpc2 refuses all three.
func asSent(r *jrpc2.ParsedRequest, raw json.RawMessage) member {
	m := member{ParsedRequest: r, id: json.RawMessage(r.ID)}
	switch firstByte(raw) {
	case 0:
		if !wellFormed(r) || r.Method == "" {
			m.malformed = errInvalidRequest
		}
		return m
	case '{':
		if r.Error == nil && r.Method != "" {
			// jrpc2 took the id (a number, a string or null) and the
			// method (a string, not empty): Kanboard's validators find
			// nothing more, so the request is not parsed a second time
			// (a tenth of a lookup's CPU).
			return m
		}
	case '[':
		m.malformed = errInvalidRequest
		return m
	default:
		m.malformed = errParse
		return m
	}
	var sent struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	if err := json.Unmarshal(raw, &sent); err != nil {
		m.malformed = errInvalidRequest
		return m
	}
	if b := firstByte(sent.ID); b == '{' || b == '[' || b == 't' || b == 'f' {
		// Ask jrpc2 again with an id it takes, to judge the rest.
		m.id = sent.ID
		if again := reparsedWithoutID(raw); again != nil {
			m.ParsedRequest = again
		}
	}
	if !wellFormed(m.ParsedRequest) || firstByte(sent.Method) != '"' {
		m.malformed = errInvalidRequest
	}
	return m
}

// reparsedWithoutID parses raw with its id replaced by 0.
func reparsedWithoutID(raw json.RawMessage) *jrpc2.ParsedRequest {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	fields["id"] = json.RawMessage("0")
	b, err := json.Marshal(fields)
	if err != nil {
		return nil
	}
	reqs, err := jrpc2.ParseRequests(b)
	if err != nil || len(reqs) != 1 {
		return nil
	}
	return reqs[0]
}
