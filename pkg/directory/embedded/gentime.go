package embedded

import (
	"fmt"
	"strings"
	"time"
)

// LDAP GeneralizedTime (RFC 4517), as createTimestamp and the ppolicy
// attributes carry it.

// disabledLockTime is the pwdAccountLockedTime value that means "disabled
// by an administrator" (OpenLDAP ppolicy: locked for good).
const disabledLockTime = "000001010000Z"

// formatGenTime writes t in UTC with microseconds when it has any.
func formatGenTime(t time.Time) string {
	return t.UTC().Format("20060102150405.999999") + "Z"
}

// parseGenTime reads YYYYMMDDHH[MM[SS]][.fraction](Z|±hhmm).
func parseGenTime(s string) (time.Time, error) {
	body, loc := s, time.UTC
	switch {
	case strings.HasSuffix(body, "Z"):
		body = body[:len(body)-1]
	case len(body) > 5 && (body[len(body)-5] == '+' || body[len(body)-5] == '-'):
		off, err := time.Parse("-0700", body[len(body)-5:])
		if err != nil {
			return time.Time{}, fmt.Errorf("generalized time %q: bad zone", s)
		}
		_, secs := off.Zone()
		loc = time.FixedZone("", secs)
		body = body[:len(body)-5]
	default:
		return time.Time{}, fmt.Errorf("generalized time %q has no zone", s)
	}
	main, frac, hasFrac := strings.Cut(strings.ReplaceAll(body, ",", "."), ".")
	layouts := map[int]string{10: "2006010215", 12: "200601021504", 14: "20060102150405"}
	layout, ok := layouts[len(main)]
	if !ok || (hasFrac && len(main) != 14) {
		return time.Time{}, fmt.Errorf("generalized time %q: want YYYYMMDDHHMMSS", s)
	}
	t, err := time.ParseInLocation(layout, main, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("generalized time %q: %w", s, err)
	}
	if hasFrac {
		f, err := time.ParseDuration("0." + frac + "s")
		if err != nil || frac == "" {
			return time.Time{}, fmt.Errorf("generalized time %q: bad fraction", s)
		}
		t = t.Add(f)
	}
	return t.UTC(), nil
}
