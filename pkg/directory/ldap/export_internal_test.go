package ldap

import (
	"slices"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// vlvResponseValue encodes a VLV response control value, as a server
// would (test helper).
func vlvResponseValue(target, count, result int) []byte {
	seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "VirtualListViewResponse")
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(target), "targetPosition"))
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(count), "contentCount"))
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(result), "result"))
	seq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, "ctx", "contextID"))
	return seq.Bytes()
}

func sortDNs(dns []string) { slices.SortFunc(dns, compareDN) }
