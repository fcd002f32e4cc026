package readmodel

import (
	"strings"
	"time"
)

// Position is a point of a directory's change stream: the latest change
// sequence number (CSN) of each server id, as OpenLDAP writes them in
// contextCSN and in syncrepl cookies
// ("20261207105326.733225Z#000000#000#000000": time, count, server id,
// modification). CSNs of one server id order as strings.
type Position map[string]string

// ParseCSNs builds a Position from CSN values; values that are no CSN are
// skipped.
func ParseCSNs(csns []string) Position {
	p := Position{}
	for _, c := range csns {
		parts := strings.Split(c, "#")
		if len(parts) != 4 {
			continue
		}
		if c > p[parts[2]] {
			p[parts[2]] = c
		}
	}
	return p
}

// CookiePosition reads the csn= part of a syncrepl cookie
// ("rid=000,csn=A;B").
func CookiePosition(cookie string) Position {
	for _, part := range strings.Split(cookie, ",") {
		if v, ok := strings.CutPrefix(part, "csn="); ok {
			return ParseCSNs(strings.Split(v, ";"))
		}
	}
	return Position{}
}

// Covers reports whether p includes every change of q.
func (p Position) Covers(q Position) bool {
	for sid, c := range q {
		if p[sid] < c {
			return false
		}
	}
	return true
}

// Merge returns p advanced by q.
func (p Position) Merge(q Position) Position {
	out := make(Position, len(p)+len(q))
	for sid, c := range p {
		out[sid] = c
	}
	for sid, c := range q {
		if c > out[sid] {
			out[sid] = c
		}
	}
	return out
}

// Time is when the newest change of p was made (zero for an empty p).
func (p Position) Time() time.Time {
	var newest time.Time
	for _, c := range p {
		ts, _, _ := strings.Cut(c, "#")
		t, err := time.Parse("20060102150405.999999Z", ts)
		if err == nil && t.After(newest) {
			newest = t
		}
	}
	return newest
}
