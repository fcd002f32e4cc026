package ldap

import (
	"fmt"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Search runs a search and collects its answer as go-ldap's Conn.Search
// does: the entries, the referrals, and on success the wireResponse controls;
// on an LDAP error the entries so far with go-ldap's error (a size limit
// exceeded keeps what arrived).
func (w *wireConn) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	filter, err := ldap.CompileFilter(req.Filter)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	id, err := w.send(func(b []byte) []byte { return wireSearchRequest(b, req, filter.Bytes()) }, req.Controls)
	if err != nil {
		return nil, err
	}
	result := &ldap.SearchResult{Entries: []*ldap.Entry{}, Referrals: []string{}, Controls: []ldap.Control{}}
	for {
		r, err := w.receive(id)
		if err != nil {
			return result, err
		}
		switch r.op {
		case berSearchEntry:
			e, err := wireEntry(r.val)
			if err != nil {
				return result, w.broken(err)
			}
			result.Entries = append(result.Entries, e)
		case berSearchReference:
			uri, _, err := berExpect(r.val, berOctetString)
			if err != nil {
				return result, w.broken(err)
			}
			result.Referrals = append(result.Referrals, string(uri))
		case berSearchDone:
			return result, wireSearchDone(r, result)
		case berIntermediate:
			// Nothing a plain search needs.
		default:
			return result, w.broken(fmt.Errorf("%w: a search answered with %#x", errBER, r.op))
		}
	}
}

// wireSearchRequest appends a SearchRequest (RFC 4511 §4.5.1) with the filter
// already encoded.
func wireSearchRequest(b []byte, req *ldap.SearchRequest, filter []byte) []byte {
	b, s := berOpen(b, berSearchRequest)
	b = berAppendString(b, berOctetString, req.BaseDN)
	b = berAppendInt(b, berEnumerated, int64(req.Scope))
	b = berAppendInt(b, berEnumerated, int64(req.DerefAliases))
	b = berAppendInt(b, berInteger, int64(req.SizeLimit))
	b = berAppendInt(b, berInteger, int64(req.TimeLimit))
	b = berAppendBool(b, req.TypesOnly)
	b = append(b, filter...)
	b, a := berOpen(b, berSequence)
	for _, attr := range req.Attributes {
		b = berAppendString(b, berOctetString, attr)
	}
	b = berClose(b, a)
	return berClose(b, s)
}

// wireEntry decodes a SearchResultEntry into go-ldap's Entry, each value
// both as text and as bytes, as go-ldap fills them. The byte values share
// the message's memory, which nothing else holds.
func wireEntry(v []byte) (*ldap.Entry, error) {
	dn, rest, err := berExpect(v, berOctetString)
	if err != nil {
		return nil, err
	}
	list, _, err := berExpect(rest, berSequence)
	if err != nil {
		return nil, err
	}
	e := &ldap.Entry{DN: string(dn)}
	for len(list) > 0 {
		var partial []byte
		if partial, list, err = berExpect(list, berSequence); err != nil {
			return nil, err
		}
		name, rest, err := berExpect(partial, berOctetString)
		if err != nil {
			return nil, err
		}
		set, _, err := berExpect(rest, berSet)
		if err != nil {
			return nil, err
		}
		a := &ldap.EntryAttribute{Name: string(name)}
		for len(set) > 0 {
			var val []byte
			if val, set, err = berExpect(set, berOctetString); err != nil {
				return nil, err
			}
			a.Values = append(a.Values, string(val))
			a.ByteValues = append(a.ByteValues, val)
		}
		e.Attributes = append(e.Attributes, a)
	}
	return e, nil
}

// wireSearchDone reads a SearchResultDone into result: its code and message,
// and on success the wireResponse controls through go-ldap's decoder.
func wireSearchDone(r wireResponse, result *ldap.SearchResult) error {
	codev, rest, err := berExpect(r.val, berEnumerated)
	if err != nil {
		return ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("malformed SearchResultDone: %w", err))
	}
	code, err := berParseInt(codev)
	if err != nil {
		return ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("malformed SearchResultDone: %w", err))
	}
	result.ResultCode = uint16(code)
	if _, rest, err = berExpect(rest, berOctetString); err == nil { // matchedDN
		var diag []byte
		if diag, _, err = berExpect(rest, berOctetString); err == nil {
			result.DiagnosticMessage = string(diag)
		}
	}
	if err := wireResultErr(r); err != nil {
		return err
	}
	for list := r.controls; len(list) > 0; {
		_, _, next, err := berParse(list)
		if err != nil {
			return ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("malformed control: %w", err))
		}
		p, err := ber.DecodePacketErr(list[:len(list)-len(next)])
		if err != nil {
			return ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("malformed control: %w", err))
		}
		c, err := ldap.DecodeControl(p)
		if err != nil {
			return fmt.Errorf("failed to decode child control: %w", err)
		}
		result.Controls = append(result.Controls, c)
		list = next
	}
	return nil
}
