package ldapformat

import (
	"fmt"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// FormatTime writes t as a GeneralizedTime in UTC, with microseconds when
// it has any (createTimestamp, pwdFailureTime).
func FormatTime(t time.Time) string {
	return t.UTC().Format("20060102150405.999999") + "Z"
}

// ParseTime reads a GeneralizedTime in the forms servers and exports
// write, YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|±hhmm), a fraction only after
// the seconds, and returns it in UTC. The parsing is go-asn1-ber's (what
// the LDAP backend reads server values with); the forms it also takes —
// a fraction of an hour or a minute, a zone of hours alone — are refused,
// as they always were on import.
func ParseTime(s string) (time.Time, error) {
	body := s
	switch {
	case strings.HasSuffix(body, "Z"):
		body = body[:len(body)-1]
	case len(body) > 5 && (body[len(body)-5] == '+' || body[len(body)-5] == '-'):
		body = body[:len(body)-5]
	default:
		return time.Time{}, fmt.Errorf("generalized time %q has no zone", s)
	}
	main, frac, hasFrac := strings.Cut(strings.ReplaceAll(body, ",", "."), ".")
	if len(main) != 10 && len(main) != 12 && len(main) != 14 || hasFrac && len(main) != 14 {
		return time.Time{}, fmt.Errorf("generalized time %q: want YYYYMMDDHHMMSS", s)
	}
	if hasFrac && frac == "" {
		return time.Time{}, fmt.Errorf("generalized time %q: bad fraction", s)
	}
	t, err := ber.ParseGeneralizedTime([]byte(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("generalized time %q: %w", s, err)
	}
	return t.UTC(), nil
}
