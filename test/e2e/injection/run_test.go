package injection_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// sendValue sends one corpus string through a probe and holds the answer
// to what the parameter's kind allows.
func (s *stackOf) sendValue(t *testing.T, p *probe, v string) {
	t.Helper()
	raw := v
	if p.wrap != nil {
		raw = p.wrap(v)
	}
	if p.password {
		raw = pwMark(raw)
		s.Leaks.Secret(raw)
	}
	if p.json {
		raw = jsonString(raw)
	}
	var before []string
	if p.kind == update {
		before = s.attr(t, p.base, p.attr)
	}
	r := p.send(t, raw)
	what := p.String() + " = " + show(v)
	o := s.envelope(t, p.dialect, what, r)
	switch p.kind {
	case create:
		s.checkCreated(t, p, what, v, o.done)
	case search:
		if o.done {
			for _, got := range p.results(r) {
				// An empty value is one the dialect does not show (a
				// surname that only repeats the username): nothing to judge.
				if got != "" && !matches(p, got, v) {
					t.Errorf("%s: the search returned %s, which does not match the value literally", what, show(got))
				}
			}
		}
	case lookup:
		if o.done {
			t.Errorf("%s: a value that names no entry was acted on: %s", what, clipBody(r.Body))
		}
	case rename:
		s.checkRenamed(t, p, what, v, o.done)
	case update:
		after := s.attr(t, p.base, p.attr)
		if !o.done && !slices.Equal(before, after) {
			t.Errorf("%s: refused (%s), yet %s changed from %q to %q", what, o.message, p.attr, clipAll(before), clipAll(after))
		}
		if o.done && !storedLiterally(p, v, before, after) {
			t.Errorf("%s: %s is %q after the update, not the value sent", what, p.attr, clipAll(after))
		}
	}
	if p.cleanup != nil {
		p.cleanup(t, o.done)
	}
}

// sendConfusion sends a JSON value of the wrong type for a string
// parameter. A dialect may refuse it, take null for "absent", or read it
// as text where its original does (AD-web's numbers, Kanboard's PHP
// casts: true is "1"); it must never reach a seeded entry through it (an
// array flattened to the name inside it, an object read as a query).
func (s *stackOf) sendConfusion(t *testing.T, p *probe, raw string) {
	t.Helper()
	r := p.send(t, raw)
	what := p.String() + " = " + raw
	o := s.envelope(t, p.dialect, what, r)
	switch p.kind {
	case search:
		if !o.done {
			break
		}
		for _, got := range p.results(r) {
			if isSeeded(got) {
				t.Errorf("%s: the search returned the seeded %s", what, show(got))
			}
		}
	case lookup:
		if o.done && strings.Contains(raw, "alice") && strings.Contains(string(r.Body), "alice") {
			t.Errorf("%s: acted on the name inside the value: %s", what, clipBody(r.Body))
		}
	case create:
		if o.done {
			// Read as text: remove what it made (the snapshot sees the rest).
			for _, text := range []string{strings.Trim(raw, `"`), "1", "0", "-1"} {
				for _, dn := range s.holding(t, p, text) {
					s.remove(t, dn)
				}
			}
		}
	case rename:
		s.restoreVictim(t, p.base)
	}
	if p.cleanup != nil {
		p.cleanup(t, o.done)
	}
}

// matches says whether a returned value answers the search literally.
func matches(p *probe, got, v string) bool {
	g, want := normalize(got), normalize(v)
	switch {
	case p.wildcard:
		return wildcardMatch(want, g)
	case strings.HasSuffix(p.name, "[CO]"):
		return strings.Contains(g, want)
	case strings.HasSuffix(p.name, "[SW]"):
		return strings.HasPrefix(g, want)
	case strings.HasSuffix(p.name, "[IN]"):
		for _, item := range strings.Split(v, ",") {
			if normalize(item) == g {
				return true
			}
		}
		return false
	}
	return g == want
}

// wildcardMatch is privacyIDEA's pattern: "*" any run, the rest literal.
func wildcardMatch(pattern, s string) bool {
	pieces := strings.Split(pattern, "*")
	if len(pieces) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, pieces[0]) {
		return false
	}
	s = s[len(pieces[0]):]
	for _, piece := range pieces[1 : len(pieces)-1] {
		i := strings.Index(s, piece)
		if i < 0 {
			return false
		}
		s = s[i+len(piece):]
	}
	return strings.HasSuffix(s, pieces[len(pieces)-1])
}

// storedLiterally: after a successful update the attribute holds the
// value, the trimmed value for dialects that trim, nothing when that is
// empty, or what it held when the dialect skips empty values.
func storedLiterally(p *probe, v string, before, after []string) bool {
	want := v
	if p.trims {
		want = strings.TrimSpace(v)
	}
	switch {
	case slices.Equal(after, []string{want}), slices.Equal(after, []string{v}):
		return true
	case strings.TrimSpace(want) == "":
		// Removed, skipped, or (a mandatory attribute such as sn) set back
		// to the username.
		rdn, _, _ := strings.Cut(p.base, ",")
		_, name, _ := strings.Cut(rdn, "=")
		return len(after) == 0 || slices.Equal(before, after) || slices.Equal(after, []string{name})
	}
	return false
}

// checkCreated: after a success exactly one entry below the probe's base
// holds the value in the probe's attribute, and it is removed again; after
// a refusal none does.
func (s *stackOf) checkCreated(t *testing.T, p *probe, what, v string, done bool) {
	t.Helper()
	found := s.holding(t, p, v)
	switch {
	case done && len(found) != 1:
		t.Errorf("%s: success, but %d entries hold the value in %s: %v", what, len(found), p.attr, found)
	case !done && len(found) > 0:
		t.Errorf("%s: refused, yet %v holds the value in %s", what, found, p.attr)
	}
	for _, dn := range found {
		s.remove(t, dn)
	}
}

// checkRenamed: after a success the victim (p.base) is gone and exactly
// one entry beside it is named exactly the value; it is renamed back.
// After a refusal the victim is where it was.
func (s *stackOf) checkRenamed(t *testing.T, p *probe, what, v string, done bool) {
	t.Helper()
	_, parent, _ := strings.Cut(p.base, ",")
	beside := *p
	beside.base = parent
	found := s.holding(t, &beside, v)
	exists := s.exists(t, p.base)
	switch {
	case done && strings.TrimSpace(v) == "" && exists:
		// A blank name leaves the name alone (AD-web's "empty key").
	case done && (len(found) != 1 || exists):
		t.Errorf("%s: success, but the victim is still there (%v) or %d entries hold the new name: %v", what, exists, len(found), found)
	case !done && !exists:
		t.Errorf("%s: refused, yet the victim %s is gone (now %v)", what, p.base, found)
	}
	s.restoreVictim(t, p.base)
}

// restoreVictim renames a victim back to its DN when a probe renamed it,
// finding it by its entryUUID.
func (s *stackOf) restoreVictim(t *testing.T, dn string) {
	t.Helper()
	if s.exists(t, dn) {
		return
	}
	id := s.victimIDs[strings.ToLower(dn)]
	res, err := s.conn.Search(ldap.NewSearchRequest(hostile.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(entryUUID="+ldap.EscapeFilter(id)+")", []string{"1.1"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("the victim %s (entryUUID %s) is gone: %v", dn, id, err)
	}
	rdn, parent, _ := strings.Cut(dn, ",")
	if err := s.conn.ModifyDN(ldap.NewModifyDNRequest(res.Entries[0].DN, rdn, true, parent)); err != nil {
		t.Fatalf("rename %s back to %s: %v", res.Entries[0].DN, dn, err)
	}
}

// exists reports whether an entry is there.
func (s *stackOf) exists(t *testing.T, dn string) bool {
	t.Helper()
	_, err := s.conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return false
	}
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return true
}

// holding lists the entries below base whose attr holds exactly v (the
// server matches ignoring case and spaces; the values are compared here
// byte for byte). An entry whose value was changed on the way (a space
// trimmed, invalid UTF-8 replaced) is reported too, as found.
func (s *stackOf) holding(t *testing.T, p *probe, v string) []string {
	t.Helper()
	base, attr := p.base, p.attr
	var filter strings.Builder
	filter.WriteString("(|")
	for _, c := range []string{v, strings.ToValidUTF8(v, "\uFFFD")} {
		if k := strings.TrimSpace(c); k != "" {
			c = k // the server ignores leading and trailing spaces
		}
		filter.WriteString("(" + attr + "=" + ldap.EscapeFilter(c) + ")")
	}
	filter.WriteString(")")
	res, err := s.conn.Search(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		filter.String(), []string{attr}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatalf("search %s below %s: %v", show(filter.String()), base, err)
	}
	var out []string
	for _, e := range res.Entries {
		if isVictim(e.DN) {
			continue // updated by other probes, on purpose
		}
		for _, got := range e.GetAttributeValues(attr) {
			if got != v && !(p.trims && got == strings.TrimSpace(v)) {
				t.Errorf("the directory holds %s in %s of %s where %s was sent", show(got), attr, e.DN, show(v))
			}
		}
		out = append(out, e.DN)
	}
	return out
}

// attr reads one attribute of one entry (nil when absent).
func (s *stackOf) attr(t *testing.T, dn, attr string) []string {
	t.Helper()
	res, err := s.conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read %s of %s: %v", attr, dn, err)
	}
	v := res.Entries[0].GetAttributeValues(attr)
	slices.Sort(v)
	return v
}

// remove deletes an entry and everything below it.
func (s *stackOf) remove(t *testing.T, dn string) {
	t.Helper()
	res, err := s.conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	if err != nil {
		t.Fatalf("remove %s: %v", dn, err)
	}
	// Deepest first.
	slices.SortFunc(res.Entries, func(a, b *ldap.Entry) int { return len(b.DN) - len(a.DN) })
	for _, e := range res.Entries {
		if err := s.conn.Del(ldap.NewDelRequest(e.DN, nil)); err != nil {
			t.Fatalf("remove %s: %v", e.DN, err)
		}
	}
}

func clipBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func clipAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = show(v)
	}
	return out
}
