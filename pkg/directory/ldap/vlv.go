package ldap

import (
	"errors"
	"fmt"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// The virtual list view controls (draft-ietf-ldapext-ldapv3-vlv-09),
// which go-ldap does not ship. With server-side sorting they return one
// window of a sorted result and the result's size, in one request.
const (
	controlTypeVLVRequest  = "2.16.840.1.113730.3.4.9"
	controlTypeVLVResponse = "2.16.840.1.113730.3.4.10"
)

// vlvRequest asks for afterCount+1 entries starting at offset (1-based)
// of the sorted result.
type vlvRequest struct {
	offset     int
	afterCount int
	// contextID, from the response to the view's previous request, asks
	// the server to continue that view rather than sort afresh.
	contextID []byte
}

func (c *vlvRequest) GetControlType() string { return controlTypeVLVRequest }

// Encode renders:
//
//	VirtualListViewRequest ::= SEQUENCE {
//	    beforeCount  INTEGER, afterCount INTEGER,
//	    target CHOICE { byOffset [0] SEQUENCE { offset INTEGER, contentCount INTEGER }, ... },
//	    contextID OCTET STRING OPTIONAL }
func (c *vlvRequest) Encode() *ber.Packet {
	packet := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	packet.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, controlTypeVLVRequest, "Control Type (VLV)"))
	packet.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, true, "Criticality"))
	value := ber.Encode(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, nil, "Control Value (VLV)")
	seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "VirtualListViewRequest")
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "beforeCount"))
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(c.afterCount), "afterCount"))
	byOffset := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "byOffset")
	byOffset.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(c.offset), "offset"))
	// contentCount 0: "I do not know the size"; the server then takes the
	// offset as an absolute position.
	byOffset.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "contentCount"))
	seq.AppendChild(byOffset)
	if c.contextID != nil {
		seq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(c.contextID), "contextID"))
	}
	value.AppendChild(seq)
	packet.AppendChild(value)
	return packet
}

func (c *vlvRequest) String() string {
	return fmt.Sprintf("VLV request: offset %d, afterCount %d", c.offset, c.afterCount)
}

// vlvResponse is the server's answer: the position of the first entry
// returned and the size of the whole sorted result.
type vlvResponse struct {
	targetPosition int
	contentCount   int
	result         int
	// contextID names the view for a follow-up request (optional).
	contextID []byte
}

// findVLVResponse decodes the VLV response among a result's controls.
// go-ldap hands unknown controls over with their raw value.
func findVLVResponse(controls []ldap.Control) (*vlvResponse, error) {
	c, ok := ldap.FindControl(controls, controlTypeVLVResponse).(*ldap.ControlString)
	if !ok {
		return nil, errors.New("the server sent no VLV response control")
	}
	p, err := ber.DecodePacketErr([]byte(c.ControlValue))
	if err != nil {
		return nil, fmt.Errorf("VLV response: %w", err)
	}
	if len(p.Children) < 3 {
		return nil, errors.New("VLV response: too few elements")
	}
	ints := make([]int, 3)
	for i := range ints {
		v, ok := p.Children[i].Value.(int64)
		if !ok {
			return nil, fmt.Errorf("VLV response: element %d is not an integer", i)
		}
		ints[i] = int(v)
	}
	r := &vlvResponse{targetPosition: ints[0], contentCount: ints[1], result: ints[2]}
	if len(p.Children) > 3 && p.Children[3].Tag == ber.TagOctetString {
		r.contextID = p.Children[3].Data.Bytes()
	}
	return r, nil
}
