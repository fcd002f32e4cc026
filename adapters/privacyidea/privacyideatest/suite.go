package privacyideatest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Run runs every case on a running dialect. The cases share it: each
// works with names of its own.
func Run(t *testing.T, env Env) {
	c := newClient(env)
	s := &suite{c: c, env: env}
	s.admin = c.login(t, Admin, "admin")
	t.Run("envelope", s.testEnvelope)
	t.Run("auth", s.testAuth)
	t.Run("list", s.testList)
	t.Run("create", s.testCreate)
	t.Run("update", s.testUpdate)
	t.Run("user token", s.testUserToken)
	t.Run("delete", s.testDelete)
	t.Run("unicode", s.testUnicode)
	t.Run("policy", s.testPolicy)
	t.Run("bad input", s.testBadInput)
	t.Run("as the original", s.testAsTheOriginal)
	if env.Output != nil {
		out := env.Output()
		for _, secret := range append(s.passwords, Admin.Password, RealmAdmin.Password, Secret) {
			if strings.Contains(out, secret) {
				t.Errorf("dirgate's output contains the secret %q", secret)
			}
		}
	}
}

type suite struct {
	c     client
	env   Env
	admin string
	// passwords the cases set, none of which may be logged
	passwords []string
}

// create makes a user in a resolver as the admin and returns its userid.
func (s *suite) create(t *testing.T, resolver, username, password string, extra url.Values) string {
	t.Helper()
	form := url.Values{"user": {username}, "resolver": {resolver}}
	if password != "" {
		form.Set("password", password)
		s.passwords = append(s.passwords, password)
	}
	for k, vs := range extra {
		form[k] = vs
	}
	r := s.c.do(t, request{method: "POST", path: "/user", token: s.admin, form: form})
	id, ok := r.value().(string)
	if r.status != http.StatusOK || !ok || id == "" {
		t.Fatalf("create %s in %s: HTTP %d %s", username, resolver, r.status, r.raw)
	}
	return id
}

// list lists users as token with the query q.
func (s *suite) list(t *testing.T, token, query string) response {
	t.Helper()
	return s.c.do(t, request{method: "GET", path: "/user/" + query, token: token})
}

// mustUser reads a user from the directory, failing when it is absent.
func (s *suite) mustUser(t *testing.T, username string) *Entry {
	t.Helper()
	e := s.env.Dir.User(t, username)
	if e == nil {
		t.Fatalf("user %q is not in the directory", username)
	}
	return e
}

func (s *suite) wantAbsent(t *testing.T, username string) {
	t.Helper()
	if e := s.env.Dir.User(t, username); e != nil {
		t.Errorf("user %q is in the directory (%s), want it absent", username, e.DN)
	}
}
