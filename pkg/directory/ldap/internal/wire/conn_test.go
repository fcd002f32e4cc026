package wire

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net"
	"slices"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

func TestWireIntegersRoundTrip(t *testing.T) {
	for _, n := range []int64{0, 1, 127, 128, 255, 256, 32767, 32768, -1, -128, -129, 1<<31 - 1, math.MaxInt64, math.MinInt64} {
		b := berAppendInt(nil, berInteger, n)
		v, rest, err := berExpect(b, berInteger)
		if err != nil || len(rest) != 0 {
			t.Fatalf("%d: %x: %v", n, b, err)
		}
		got, err := berParseInt(v)
		if err != nil || got != n {
			t.Errorf("%d encoded as %x decodes to %d, %v", n, b, got, err)
		}
		// asn1-ber agrees.
		if p := ber.DecodePacket(b); p.Value.(int64) != n {
			t.Errorf("%d encoded as %x: asn1-ber reads %v", n, b, p.Value)
		}
	}
}

func TestWireLengths(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 65536, 1 << 20} {
		b := berAppendString(nil, berOctetString, string(make([]byte, n)))
		v, rest, err := berExpect(b, berOctetString)
		if err != nil || len(v) != n || len(rest) != 0 {
			t.Errorf("length %d: %v (value %d, rest %d)", n, err, len(v), len(rest))
		}
	}
	// berOpen's four-octet form is read back, by us and by asn1-ber.
	b, s := berOpen(nil, berSequence)
	b = berAppendString(b, berOctetString, "x")
	b = berClose(b, s)
	if v, _, err := berExpect(b, berSequence); err != nil || !bytes.Equal(v, []byte{berOctetString, 1, 'x'}) {
		t.Errorf("long-form element: %x, %v", v, err)
	}
	if p := ber.DecodePacket(b); len(p.Children) != 1 || p.Children[0].Value != "x" {
		t.Errorf("asn1-ber reads the long-form element as %v", p)
	}
}

func TestWireRefusesMalformedElements(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":              {},
		"tag only":           {berSequence},
		"past the end":       {berOctetString, 5, 'a'},
		"indefinite":         {berSequence, 0x80, 0, 0},
		"five length octets": {berOctetString, 0x85, 0, 0, 0, 0, 1, 'a'},
		"over the limit":     {berOctetString, 0x84, 0x7f, 0xff, 0xff, 0xff},
		"multi-octet tag":    {0x1f, 0x81, 1, 0},
		"long form cut":      {berOctetString, 0x82, 1},
	} {
		if _, _, _, err := berParse(b); !errors.Is(err, errBER) {
			t.Errorf("%s: %v, want errBER", name, err)
		}
	}
	if _, err := berParseInt(nil); err == nil {
		t.Error("an empty integer was accepted")
	}
}

// entryPacket encodes a SearchResultEntry with asn1-ber, as a server
// would send it.
func entryPacket(dn string, attrs map[string][][]byte) []byte {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultEntry, nil, "entry")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, dn, "dn"))
	list := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "attributes")
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range attrs {
			if !yield(k) {
				return
			}
		}
	}) {
		a := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "attribute")
		a.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, "type"))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "vals")
		for _, v := range attrs[name] {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(v), "val"))
		}
		a.AppendChild(set)
		list.AppendChild(a)
	}
	op.AppendChild(list)
	return op.Bytes()
}

func TestWireEntryDecodesAsGoLDAPDoes(t *testing.T) {
	guid := []byte{0x00, 0xff, 0x80, 0x7f, 0x10}
	b := entryPacket("uid=ä,ou=people,dc=example,dc=com", map[string][][]byte{
		"cn":         {[]byte("Ä Person")},
		"mobile":     {[]byte("+1 1"), []byte("+1 2")},
		"objectGUID": {guid},
		"empty":      nil,
	})
	_, v, _, err := berParse(b)
	if err != nil {
		t.Fatal(err)
	}
	e, err := decodeEntry(v)
	if err != nil {
		t.Fatal(err)
	}
	if e.DN != "uid=ä,ou=people,dc=example,dc=com" || len(e.Attributes) != 4 {
		t.Fatalf("entry %+v", e)
	}
	if got := e.GetAttributeValues("mobile"); !slices.Equal(got, []string{"+1 1", "+1 2"}) {
		t.Errorf("mobile %v", got)
	}
	if got := e.GetRawAttributeValue("objectGUID"); !bytes.Equal(got, guid) {
		t.Errorf("objectGUID %x", got)
	}
	if got := e.GetEqualFoldAttributeValue("CN"); got != "Ä Person" {
		t.Errorf("cn %q", got)
	}
	// A cut anywhere is an error, never a panic (a cut between two
	// attributes would still be a shorter entry, but every element here
	// is inside the entry's outer sequences).
	for cut := range len(v) {
		if _, err := decodeEntry(v[:cut]); err == nil {
			t.Errorf("the entry cut at %d of %d decoded", cut, len(v))
		}
	}
}

// TestWireEntrySharedText decodes an entry small enough for its texts to
// share one string and one too large for that: the same values either way,
// and each attribute's values end where the next one's begin.
func TestWireEntrySharedText(t *testing.T) {
	for _, size := range []int{8, sharedEntryText} {
		long := bytes.Repeat([]byte("x"), size)
		attrs := map[string][][]byte{
			"cn":          {[]byte("A Person")},
			"description": {long},
			"mail":        {[]byte("a@x"), []byte("b@x")},
			"mobile":      {[]byte("+1 1")},
			"none":        nil,
		}
		_, v, _, err := berParse(entryPacket("uid=a,dc=x", attrs))
		if err != nil {
			t.Fatal(err)
		}
		e, err := decodeEntry(v)
		if err != nil {
			t.Fatal(err)
		}
		if e.DN != "uid=a,dc=x" || len(e.Attributes) != len(attrs) {
			t.Fatalf("size %d: entry %+v", size, e)
		}
		for _, a := range e.Attributes {
			want := attrs[a.Name]
			if len(want) == 0 {
				if a.Values != nil || a.ByteValues != nil {
					t.Errorf("size %d: %s has values %q", size, a.Name, a.Values)
				}
				continue
			}
			if !slices.EqualFunc(a.Values, want, func(s string, b []byte) bool { return s == string(b) }) ||
				!slices.EqualFunc(a.ByteValues, want, bytes.Equal) {
				t.Errorf("size %d: %s = %q / %q, want %q", size, a.Name, a.Values, a.ByteValues, want)
			}
		}
		mail := e.GetAttributeValues("mail")
		_ = append(mail, "c@x")
		if got := e.GetAttributeValue("mobile"); got != "+1 1" {
			t.Errorf("size %d: an append to mail changed mobile to %q", size, got)
		}
	}
}

func TestWireSearchRequestEncoding(t *testing.T) {
	req := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 7, false,
		"(&(objectClass=inetOrgPerson)(uid=a\\2ab))", []string{"uid", "cn"}, nil)
	filter, err := ldap.CompileFilter(req.Filter)
	if err != nil {
		t.Fatal(err)
	}
	p := ber.DecodePacket(searchRequest(nil, req, filter.Bytes()))
	if p.ClassType != ber.ClassApplication || p.Tag != ldap.ApplicationSearchRequest || len(p.Children) != 8 {
		t.Fatalf("search request %v", p)
	}
	c := p.Children
	if c[0].Value != req.BaseDN || c[1].Value != int64(2) || c[2].Value != int64(0) || c[3].Value != int64(2) ||
		c[4].Value != int64(7) || c[5].Value != false {
		t.Errorf("fields %v %v %v %v %v %v", c[0].Value, c[1].Value, c[2].Value, c[3].Value, c[4].Value, c[5].Value)
	}
	if back, err := ldap.DecompileFilter(c[6]); err != nil || back != req.Filter {
		t.Errorf("filter %q, %v", back, err)
	}
	if len(c[7].Children) != 2 || c[7].Children[0].Value != "uid" || c[7].Children[1].Value != "cn" {
		t.Errorf("attributes %v", c[7])
	}
}

// fakeServer answers one connection with scripted messages.
func fakeServer(t *testing.T, script func(req []byte) [][]byte) *Conn {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	go func() {
		r := New(server, server)
		for {
			tag, err := r.r.ReadByte()
			if err != nil || tag != berSequence {
				return
			}
			var head [5]byte
			head[0], _ = r.r.ReadByte()
			if k := int(head[0] & 0x7f); head[0] >= 0x80 {
				_, _ = r.r.Read(head[1 : 1+k])
			}
			n, _, _ := berParseLength(head[:])
			body := make([]byte, n)
			if _, err := io.ReadFull(r.r, body); err != nil {
				return
			}
			for _, m := range script(body) {
				if _, err := server.Write(m); err != nil {
					return
				}
			}
		}
	}()
	return New(client, client)
}

// message wraps an operation (and controls) into an LDAPMessage.
func message(id int64, op []byte, controls ...[]byte) []byte {
	b, s := berOpen(nil, berSequence)
	b = berAppendInt(b, berInteger, id)
	b = append(b, op...)
	if len(controls) > 0 {
		var c int
		b, c = berOpen(b, berControls)
		for _, ctl := range controls {
			b = append(b, ctl...)
		}
		b = berClose(b, c)
	}
	return berClose(b, s)
}

func done(code int64, diag string, referral ...string) []byte {
	b, s := berOpen(nil, berSearchDone)
	b = berAppendInt(b, berEnumerated, code)
	b = berAppendString(b, berOctetString, "")
	b = berAppendString(b, berOctetString, diag)
	if len(referral) > 0 {
		var r int
		b, r = berOpen(b, 0xa3)
		for _, u := range referral {
			b = berAppendString(b, berOctetString, u)
		}
		b = berClose(b, r)
	}
	return berClose(b, s)
}

func idOf(body []byte) int64 {
	v, _, _ := berExpect(body, berInteger)
	n, _ := berParseInt(v)
	return n
}

func TestWireSearchAnswers(t *testing.T) {
	entry := entryPacket("uid=a,dc=example,dc=com", map[string][][]byte{"uid": {[]byte("a")}})
	paging := ldap.NewControlPaging(100)
	paging.SetCookie([]byte("next"))
	req := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(uid=*)", nil, []ldap.Control{ldap.NewControlPaging(100)})

	t.Run("entries, a reference and a paging cookie", func(t *testing.T) {
		w := fakeServer(t, func(body []byte) [][]byte {
			id := idOf(body)
			ref, r := berOpen(nil, berSearchReference)
			ref = berClose(berAppendString(ref, berOctetString, "ldap://other/dc=example,dc=com"), r)
			return [][]byte{message(id, entry), message(id, ref), message(id, entry), message(id, done(0, ""), paging.Encode().Bytes())}
		})
		res, err := w.Search(req)
		if err != nil || len(res.Entries) != 2 || len(res.Referrals) != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		pr, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		if !ok || string(pr.Cookie) != "next" {
			t.Fatalf("controls %v", res.Controls)
		}
	})
	t.Run("size limit: the entries so far and go-ldap's error", func(t *testing.T) {
		w := fakeServer(t, func(body []byte) [][]byte {
			id := idOf(body)
			return [][]byte{message(id, entry), message(id, done(ldap.LDAPResultSizeLimitExceeded, "limit"))}
		})
		res, err := w.Search(req)
		if !isCode(err, ldap.LDAPResultSizeLimitExceeded) || res == nil || len(res.Entries) != 1 {
			t.Fatalf("%+v, %v", res, err)
		}
		if w.IsClosing() {
			t.Error("an LDAP error closed the connection")
		}
	})
	t.Run("a referral carries its URLs", func(t *testing.T) {
		w := fakeServer(t, func(body []byte) [][]byte {
			return [][]byte{message(idOf(body), done(ldap.LDAPResultReferral, "", "ldap://provider:389/dc=example,dc=com"))}
		})
		_, err := w.Search(req)
		if got := referralURLs(err); !slices.Equal(got, []string{"ldap://provider:389/dc=example,dc=com"}) {
			t.Fatalf("referral URLs %v of %v", got, err)
		}
	})
	t.Run("a notice of disconnection breaks the connection", func(t *testing.T) {
		w := fakeServer(t, func([]byte) [][]byte {
			b, s := berOpen(nil, berExtendedResp)
			b = berAppendInt(b, berEnumerated, ldap.LDAPResultUnavailable)
			b = berAppendString(b, berOctetString, "")
			b = berAppendString(b, berOctetString, "shutting down")
			return [][]byte{message(0, berClose(b, s))}
		})
		_, err := w.Search(req)
		if !isNetwork(err) || !w.IsClosing() {
			t.Fatalf("%v; closing %v", err, w.IsClosing())
		}
	})
	t.Run("an answer to another message breaks the connection", func(t *testing.T) {
		w := fakeServer(t, func(body []byte) [][]byte {
			return [][]byte{message(idOf(body)+1, done(0, ""))}
		})
		if _, err := w.Search(req); !isNetwork(err) || !w.IsClosing() {
			t.Fatalf("%v", err)
		}
	})
	t.Run("garbage breaks the connection", func(t *testing.T) {
		w := fakeServer(t, func(body []byte) [][]byte {
			return [][]byte{message(idOf(body), []byte{berSearchEntry, 3, berOctetString, 9, 'x'})}
		})
		if _, err := w.Search(req); !isNetwork(err) || !w.IsClosing() {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a bad filter is refused before sending", func(t *testing.T) {
		w := fakeServer(t, func([]byte) [][]byte { t.Error("sent"); return nil })
		bad := *req
		bad.Filter = "(uid=*"
		if _, err := w.Search(&bad); !isCode(err, ldap.ErrorFilterCompile) || w.IsClosing() {
			t.Fatalf("%v", err)
		}
	})
}

// An idle connection the server closed is seen as stale before it is
// used, as go-ldap's reader sees it.
func TestWireSeesTheServerGoAway(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	w := New(c, c)
	defer w.Close()
	server := <-accepted
	if w.Stale() {
		t.Fatal("a fresh connection is stale")
	}
	server.Close()
	if w.IsClosing() {
		t.Fatal("IsClosing looked at the socket")
	}
	deadline := time.Now().Add(2 * time.Second)
	for !w.Stale() {
		if time.Now().After(deadline) {
			t.Fatal("the closed connection still looks usable")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// isCode and isNetwork read an error as the backend does: by its go-ldap
// result code.
func isCode(err error, code uint16) bool { return ldap.IsErrorWithCode(err, code) }

func isNetwork(err error) bool { return ldap.IsErrorWithCode(err, ldap.ErrorNetwork) }

// referralURLs are the referral URLs of an LDAPResult as go-ldap's error
// keeps them (RFC 4511 §4.1.9: the optional [3] element), which is where
// the backend reads them to follow a referral.
func referralURLs(err error) []string {
	var le *ldap.Error
	if !errors.As(err, &le) || le.Packet == nil || len(le.Packet.Children) < 2 {
		return nil
	}
	var urls []string
	for _, child := range le.Packet.Children[1].Children {
		if child.Tag != 3 {
			continue
		}
		for _, u := range child.Children {
			if s, ok := u.Value.(string); ok {
				urls = append(urls, s)
			}
		}
	}
	return urls
}
