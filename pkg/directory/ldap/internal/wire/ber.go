package wire

import (
	"errors"
	"fmt"
)

// A small BER codec for the read client (conn.go, search.go): just what LDAP
// messages need. RFC 4511 §5.1 allows only definite lengths; tags are
// single octets (LDAP uses no tag number above 30).

// maxBERMessage bounds one LDAP message read from a server: a larger length
// is a broken or hostile server, not an entry.
const maxBERMessage = 64 << 20

var errBER = errors.New("malformed BER")

// BER tags of the messages the read path sends and reads.
const (
	berBoolean     = 0x01
	berInteger     = 0x02
	berOctetString = 0x04
	berEnumerated  = 0x0a
	berSequence    = 0x30
	berSet         = 0x31

	berBindRequest     = 0x60 // [APPLICATION 0] constructed
	berBindResponse    = 0x61 // [APPLICATION 1]
	berSearchRequest   = 0x63 // [APPLICATION 3]
	berSearchEntry     = 0x64 // [APPLICATION 4]
	berSearchDone      = 0x65 // [APPLICATION 5]
	berSearchReference = 0x73 // [APPLICATION 19]
	berExtendedRequest = 0x77 // [APPLICATION 23]
	berExtendedResp    = 0x78 // [APPLICATION 24]
	berIntermediate    = 0x79 // [APPLICATION 25]
	berControls        = 0xa0 // [0] constructed, in an LDAPMessage
	berSimpleAuth      = 0x80 // [0] primitive, in a BindRequest
	berExtendedName    = 0x80 // [0] primitive, in an ExtendedRequest
)

// berAppendLength appends a definite length in its shortest form.
func berAppendLength(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n <= 0xff:
		return append(b, 0x81, byte(n))
	case n <= 0xffff:
		return append(b, 0x82, byte(n>>8), byte(n))
	case n <= 0xffffff:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		return append(b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// berAppendString appends a primitive element holding s.
func berAppendString(b []byte, tag byte, s string) []byte {
	b = append(b, tag)
	b = berAppendLength(b, len(s))
	return append(b, s...)
}

// berAppendInt appends an INTEGER or ENUMERATED in its shortest two's
// complement form.
func berAppendInt(b []byte, tag byte, n int64) []byte {
	size := 1
	for size < 8 && (n < -(1<<(8*size-1)) || n >= 1<<(8*size-1)) {
		size++
	}
	b = append(b, tag, byte(size))
	for i := size - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

func berAppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, berBoolean, 1, 0xff)
	}
	return append(b, berBoolean, 1, 0)
}

// berOpen starts a constructed element whose length is not known yet:
// it reserves a four-octet long-form length (valid BER, and what OpenLDAP
// and Active Directory send themselves) for berClose to fill in.
func berOpen(b []byte, tag byte) ([]byte, int) {
	b = append(b, tag, 0x84, 0, 0, 0, 0)
	return b, len(b)
}

// berClose fills in the length of the element opened at start.
func berClose(b []byte, start int) []byte {
	n := len(b) - start
	b[start-4], b[start-3], b[start-2], b[start-1] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}

// berParse splits the first element of b into its tag, its value and
// what follows it.
func berParse(b []byte) (tag byte, val, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, errBER
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, nil, fmt.Errorf("%w: multi-octet tag", errBER)
	}
	n, h, err := berParseLength(b[1:])
	if err != nil {
		return 0, nil, nil, err
	}
	h++
	if n > len(b)-h {
		return 0, nil, nil, fmt.Errorf("%w: length %d past the end", errBER, n)
	}
	return tag, b[h : h+n], b[h+n:], nil
}

// berParseLength reads a definite length; it returns the length and how many
// octets encoded it.
func berParseLength(b []byte) (n, size int, err error) {
	if len(b) == 0 {
		return 0, 0, errBER
	}
	first := b[0]
	if first < 0x80 {
		return int(first), 1, nil
	}
	k := int(first & 0x7f)
	if k == 0 {
		return 0, 0, fmt.Errorf("%w: indefinite length", errBER)
	}
	if k > 4 || len(b) < 1+k {
		return 0, 0, fmt.Errorf("%w: length of %d octets", errBER, k)
	}
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int(c)
	}
	if n > maxBERMessage {
		return 0, 0, fmt.Errorf("%w: length %d over the limit", errBER, n)
	}
	return n, 1 + k, nil
}

// berParseInt decodes an INTEGER or ENUMERATED value.
func berParseInt(v []byte) (int64, error) {
	if len(v) == 0 || len(v) > 8 {
		return 0, fmt.Errorf("%w: integer of %d octets", errBER, len(v))
	}
	n := int64(int8(v[0])) // sign-extends
	for _, c := range v[1:] {
		n = n<<8 | int64(c)
	}
	return n, nil
}

// berExpect parses the first element of b and checks its tag.
func berExpect(b []byte, tag byte) (val, rest []byte, err error) {
	t, val, rest, err := berParse(b)
	if err != nil {
		return nil, nil, err
	}
	if t != tag {
		return nil, nil, fmt.Errorf("%w: tag %#x, want %#x", errBER, t, tag)
	}
	return val, rest, nil
}
