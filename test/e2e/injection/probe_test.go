package injection_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// kind is what a parameter does with its value, which decides what a
// correct answer is.
type kind int

const (
	// create: the value becomes a new entry's name (or an attribute of
	// it). A success must have made exactly that entry, holding exactly
	// the value; it is removed again so the directory returns to its
	// snapshot.
	create kind = iota
	// search: the value is a search term. Every entry returned must match
	// it literally (privacyIDEA: with "*" as its documented wildcard).
	search
	// lookup: the value names the entry to act on. None of the corpus
	// names an entry, so the answer must be a refusal or "not found";
	// anything that acts on a seeded entry shows in the snapshot.
	lookup
	// update: the value is written to an attribute of a victim entry made
	// for the purpose: on success the attribute holds the value (or, for
	// dialects that trim, the trimmed value); on failure it is unchanged.
	update
	// secret: the value is a password; it may be set (on a victim or a
	// new entry) or refused, and it must never come back in any answer or
	// log.
	secret
	// opaque: the value is neither a name nor stored as it is (a flag);
	// only the envelope and the snapshot judge it.
	opaque
	// rename: the value is a victim's new name. On success the victim
	// (base) is named exactly the value, and is renamed back; on failure
	// it keeps its name.
	rename
)

// probe sends one parameter of one endpoint with a value.
type probe struct {
	dialect, name string
	kind          kind
	// json: the parameter travels as a JSON value, so type confusion
	// applies (raw is the JSON text to put in its place).
	json bool
	send func(t *testing.T, raw string) hostile.Reply
	// tmpl is the request template send fills (when made by probeOf).
	tmpl call
	// For create: where the new entry is looked for (base and naming
	// attribute) when the answer is a success. For update: the victim and
	// its attribute. For search: the returned entries' values of the
	// searched field.
	base, attr string
	results    func(r hostile.Reply) []string
	// wildcard: "*" in a search value is privacyIDEA's wildcard.
	wildcard bool
	// trims: the dialect trims leading and trailing spaces off values.
	trims bool
	// wrap turns the corpus value into what is sent (a DN around it, a
	// password marker); the checks still judge the value itself.
	wrap func(v string) string
	// password: the value is a password. It is sent marked (pwMark) and
	// recorded, so the leak check finds exactly the passwords sent.
	password bool
	// cleanup removes what a success left behind when the value is not
	// what names it (a password or an attribute of a new entry); done
	// says whether the answer was a success.
	cleanup func(t *testing.T, done bool)
}

func (p *probe) String() string { return p.dialect + " " + p.name }

// outcome is an answer decoded by its dialect's envelope.
type outcome struct {
	// done: the operation took effect (or the search answered).
	done bool
	// message is the refusal's text, for failure messages.
	message string
}

// stackOf is the stack and a bound LDAP connection to look at it.
type stackOf struct {
	*hostile.Stack
	conn *ldap.Conn
	// victimIDs are the victims' entryUUIDs by lower-case DN, to find a
	// renamed victim.
	victimIDs map[string]string
}

// victims are the entries made for probes to change; the snapshot
// comparison leaves them out.
var victims = []string{articaVictimDN, adwebVictimDN, piVictimDN, kbVictimDN, oaVictimDN}

func isVictim(dn string) bool {
	return slices.ContainsFunc(victims, func(v string) bool { return strings.EqualFold(v, dn) })
}

// isSeeded reports whether a name is a seeded account's or a victim's.
func isSeeded(name string) bool {
	for _, a := range hostile.Seeded {
		if strings.EqualFold(a.Username, name) {
			return true
		}
	}
	return slices.ContainsFunc([]string{articaVictim, adwebVictim, piVictim, kbVictim, oaVictim},
		func(v string) bool { return strings.EqualFold(v, name) })
}

// call is a request template. In url, {P} stands for the value
// path-escaped and {Q} query-escaped; in body, {J} for the raw JSON text
// and {F} for the value form-escaped.
type call struct {
	unix        bool
	method, url string
	contentType string
	body        string
	auth        func(*http.Request)
}

// send fills the template with raw and sends it.
func (s *stackOf) send(t *testing.T, c call, raw string) hostile.Reply {
	t.Helper()
	u := strings.NewReplacer("{P}", url.PathEscape(raw), "{Q}", url.QueryEscape(raw)).Replace(c.url)
	body := strings.NewReplacer("{J}", raw, "{F}", url.QueryEscape(raw)).Replace(c.body)
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, u, r)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, show(u), err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	} else if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != nil {
		c.auth(req)
	}
	return s.Do(t, c.unix, req)
}

// probeOf makes a probe that sends the template.
func (s *stackOf) probeOf(dialect, name string, k kind, c call) *probe {
	return &probe{dialect: dialect, name: name, kind: k, json: strings.Contains(c.body, "{J}"), tmpl: c,
		send: func(t *testing.T, raw string) hostile.Reply { return s.send(t, c, raw) }}
}

// pwMark marks a password value, so the leak check finds exactly the
// passwords the suite sent, whatever else echoes the bare value.
func pwMark(v string) string { return "PwMark-" + v }

// pw marks a probe's parameter as a password.
func pw(p *probe) *probe { p.password = true; return p }

// removing is a cleanup that removes dn (and what is below it) when a
// probe left it there.
func (s *stackOf) removing(dn string) func(*testing.T, bool) {
	return func(t *testing.T, _ bool) {
		if s.exists(t, dn) {
			s.remove(t, dn)
		}
	}
}

// slowest is how long an answer may take before it counts as a hang (a
// 100 KiB value through five layers on a busy two-core machine included).
const slowest = 10 * time.Second
