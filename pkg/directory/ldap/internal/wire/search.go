package wire

import (
	"fmt"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Search runs a search and collects its answer as go-ldap's Conn.Search
// does: the entries, the referrals, and on success the response controls;
// on an LDAP error the entries so far with go-ldap's error (a size limit
// exceeded keeps what arrived).
func (w *Conn) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	filter, err := ldap.CompileFilter(req.Filter)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	id, err := w.send(func(b []byte) []byte { return searchRequest(b, req, filter.Bytes()) }, req.Controls)
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
			e, err := decodeEntry(r.val)
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
			return result, searchDone(r, result)
		case berIntermediate:
			// Nothing a plain search needs.
		default:
			return result, w.broken(fmt.Errorf("%w: a search answered with %#x", errBER, r.op))
		}
	}
}

// searchRequest appends a SearchRequest (RFC 4511 §4.5.1) with the filter
// already encoded.
func searchRequest(b []byte, req *ldap.SearchRequest, filter []byte) []byte {
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

// decodeEntry decodes a SearchResultEntry into go-ldap's Entry, each value
// both as text and as bytes, as go-ldap fills them. The byte values share
// the message's memory, which nothing else holds.
//
// A listing decodes a thousand entries a page, so an entry is a few
// allocations, not a few per attribute: a first pass checks the entry and
// counts its attributes and values, then the attributes, the value slices
// and (for an entry of at most sharedEntryText octets) the texts are cut
// from one allocation each. A larger entry — a group's members — gets a
// string per value, so a name kept from it does not keep all of it.
func decodeEntry(v []byte) (*ldap.Entry, error) {
	dn, rest, err := berExpect(v, berOctetString)
	if err != nil {
		return nil, err
	}
	list, _, err := berExpect(rest, berSequence)
	if err != nil {
		return nil, err
	}
	nattrs, nvals, err := countEntry(list)
	if err != nil {
		return nil, err
	}
	text := func(b []byte) string { return string(b) }
	if len(v) <= sharedEntryText {
		// Every piece is a subslice of v, whose offset in v is what its
		// capacity falls short of v's.
		all := string(v)
		text = func(b []byte) string {
			off := cap(v) - cap(b)
			return all[off : off+len(b)]
		}
	}
	e := &ldap.Entry{DN: text(dn)}
	if nattrs == 0 {
		return e, nil
	}
	attrs := make([]ldap.EntryAttribute, nattrs)
	e.Attributes = make([]*ldap.EntryAttribute, nattrs)
	vals := make([]string, nvals)
	bytevals := make([][]byte, nvals)
	for i := range attrs {
		// countEntry checked every element.
		var partial []byte
		partial, list, _ = berExpect(list, berSequence)
		name, rest, _ := berExpect(partial, berOctetString)
		set, _, _ := berExpect(rest, berSet)
		a := &attrs[i]
		a.Name = text(name)
		n := 0
		for ; len(set) > 0; n++ {
			var val []byte
			val, set, _ = berExpect(set, berOctetString)
			vals[n], bytevals[n] = text(val), val
		}
		if n > 0 {
			// Capacities cut to the attribute's values: an append to one
			// attribute's values must not write over the next one's.
			a.Values, a.ByteValues = vals[:n:n], bytevals[:n:n]
			vals, bytevals = vals[n:], bytevals[n:]
		}
		e.Attributes[i] = a
	}
	return e, nil
}

// sharedEntryText is the largest entry whose texts share one string.
const sharedEntryText = 4 << 10

// countEntry checks an entry's attribute list and counts its attributes
// and values.
func countEntry(list []byte) (attrs, vals int, err error) {
	for len(list) > 0 {
		var partial []byte
		if partial, list, err = berExpect(list, berSequence); err != nil {
			return 0, 0, err
		}
		_, rest, err := berExpect(partial, berOctetString)
		if err != nil {
			return 0, 0, err
		}
		set, _, err := berExpect(rest, berSet)
		if err != nil {
			return 0, 0, err
		}
		attrs++
		for len(set) > 0 {
			if _, set, err = berExpect(set, berOctetString); err != nil {
				return 0, 0, err
			}
			vals++
		}
	}
	return attrs, vals, nil
}

// searchDone reads a SearchResultDone into result: its code and message,
// and on success the response controls through go-ldap's decoder.
func searchDone(r response, result *ldap.SearchResult) error {
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
	if err := resultErr(r); err != nil {
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
