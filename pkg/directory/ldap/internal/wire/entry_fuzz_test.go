package wire

import "testing"

// FuzzWireEntry feeds the read client's entry decoder whatever a broken
// or hostile server could send: it returns an entry or an error, never
// panics.
func FuzzWireEntry(f *testing.F) {
	_, v, _, _ := berParse(entryPacket("uid=a,dc=x", map[string][][]byte{"cn": {[]byte("a")}, "mail": {[]byte("a@x"), []byte("b@x")}}))
	f.Add(v)
	f.Add([]byte{})
	f.Add([]byte{berOctetString, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, v []byte) {
		e, err := decodeEntry(v)
		if err == nil && e == nil {
			t.Fatal("no entry and no error")
		}
	})
}
