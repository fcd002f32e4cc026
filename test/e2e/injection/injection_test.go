package injection_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

func TestInjection(t *testing.T) {
	st := hostile.Start(t)
	s := &stackOf{Stack: st, conn: st.LDAP.Dial(t)}

	// Victims and containers first: what the probes may change is made
	// before the snapshot, and left out of its comparison.
	gid := s.articaPrepare(t)
	s.adwebPrepare(t)
	piToken, piVictimID := s.piPrepare(t)
	kbVictimID := s.kbPrepare(t)
	oaToken, oaVictimID, staffID := s.oaPrepare(t)
	s.victimIDs = map[string]string{}
	for _, dn := range victims {
		s.victimIDs[strings.ToLower(dn)] = s.attr(t, dn, "entryUUID")[0]
	}
	before := s.Snapshot(t)

	byDialect := [][]*probe{
		s.articaProbes(gid), s.adwebProbes(), s.privacyIDEAProbes(piToken, piVictimID),
		s.kanboardProbes(kbVictimID), s.openAPIProbes(oaToken, oaVictimID, staffID),
	}
	requests := 0
	for _, probes := range byDialect {
		t.Run(probes[0].dialect, func(t *testing.T) {
			for _, p := range probes {
				for _, v := range values {
					s.sendValue(t, p, v)
					requests++
				}
				if p.json {
					for _, c := range confusions {
						s.sendConfusion(t, p, c)
						requests++
					}
					requests += s.sendDuplicates(t, p)
				}
			}
		})
	}
	t.Run("literal results", func(t *testing.T) { s.literalResults(t, piToken, oaToken) })
	t.Logf("%d probes, %d requests", len(byDialect[0])+len(byDialect[1])+len(byDialect[2])+len(byDialect[3])+len(byDialect[4]), requests)

	ignore := func(dn string) bool {
		if isVictim(dn) {
			return true
		}
		// The id allocators' counters move with every create.
		return strings.HasPrefix(dn, "cn=uidnumber,") || strings.HasPrefix(dn, "cn=gidnumber,")
	}
	if diff := before.Diff(s.Snapshot(t), ignore); len(diff) > 0 {
		t.Errorf("the corpus changed the directory beyond the literal values:\n%s", strings.Join(diff, "\n"))
	}
	s.CheckNoPanic(t)
	s.CheckLeaks(t)
}

// jsonKey finds the member a JSON template puts the value in.
var jsonKey = regexp.MustCompile(`"([A-Za-z_]+)":\{J\}`)

// sendDuplicates sends the member twice, another hostile value first and
// the value last: every dialect's decoder keeps the last (encoding/json,
// AD-web's own), so the answer is judged as for the value alone. A
// decoder that kept the first would create or match "*" instead, which
// the checks and the snapshot see.
func (s *stackOf) sendDuplicates(t *testing.T, p *probe) int {
	t.Helper()
	m := jsonKey.FindStringSubmatch(p.tmpl.body)
	if m == nil {
		return 0
	}
	dup := *p
	dup.name += " (given twice)"
	dup.send = func(t *testing.T, raw string) hostile.Reply {
		return p.send(t, `"*)(uid=*","`+m[1]+`":`+raw)
	}
	for _, v := range []string{"*", "dup,ou=x", "\x00"} {
		s.sendValue(t, &dup, v)
	}
	return 3
}
