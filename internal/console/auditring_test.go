package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestAuditRingKeepsTheLatest: the ring holds the last n lines the audit
// log wrote, newest first, and finds them by actor, target and time.
func TestAuditRingKeepsTheLatest(t *testing.T) {
	ring := NewAuditRing(3)
	var buf bytes.Buffer
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		fmt.Fprintf(&buf, `{"time":%q,"caller":"admin-%d","dialect":"adweb","domain":"example.com","operation":"user.create","target":"uid=u%d,ou=people","outcome":"success"}`+"\n",
			start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), i%2, i)
	}
	buf.WriteString("not json\n")
	if _, err := ring.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	targets := func(evs []identity.AuditEvent) (out []string) {
		for _, ev := range evs {
			out = append(out, ev.Target)
		}
		return out
	}
	if got := fmt.Sprint(targets(ring.Search(AuditQuery{}))); got != "[uid=u4,ou=people uid=u3,ou=people uid=u2,ou=people]" {
		t.Errorf("all = %s", got)
	}
	if got := fmt.Sprint(targets(ring.Search(AuditQuery{Actor: "ADMIN-1"}))); got != "[uid=u3,ou=people]" {
		t.Errorf("by actor = %s", got)
	}
	if got := fmt.Sprint(targets(ring.Search(AuditQuery{Target: "u2"}))); got != "[uid=u2,ou=people]" {
		t.Errorf("by target = %s", got)
	}
	if got := fmt.Sprint(targets(ring.Search(AuditQuery{Until: start.Add(3 * time.Minute)}))); got != "[uid=u3,ou=people uid=u2,ou=people]" {
		t.Errorf("until = %s", got)
	}
}

// TestAuditRingHoldsWhatTheAuditLogWrites: through the real core, a
// write is found by actor and target, and the password it set is nowhere
// in what the ring holds.
func TestAuditRingHoldsWhatTheAuditLogWrites(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, "dc=example,dc=com")
	ring := NewAuditRing(10)
	dom := identity.NewDomain(env.Domain.Config(), env.Dir, identity.NewAuditLog(ring), env.Log)
	const password = "Sw0rdfish-Secret-42"
	caller := identity.Caller{Name: "key-7", Dialect: "adweb"}
	if _, err := dom.CreateUser(t.Context(), caller, directory.NewUser{Username: "carol", GivenName: "Carol", Surname: "C", Password: password}); err != nil {
		t.Fatal(err)
	}
	found := ring.Search(AuditQuery{Actor: "key-7", Target: "carol"})
	if len(found) != 1 || found[0].Operation != identity.OpUserCreate || found[0].Outcome != "success" {
		t.Fatalf("found %+v, want the create", found)
	}
	b, _ := json.Marshal(ring.Search(AuditQuery{}))
	if strings.Contains(string(b), password) {
		t.Errorf("the ring holds the password: %s", b)
	}
}
