package openapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

func TestUnpagedListsAreBounded(t *testing.T) {
	h := newHarness(t, func(o *harnessOptions) { o.tweak = func(c *Config) { c.MaxResults = 2 } })
	var refs []directory.PrincipalRef
	for _, name := range []string{"m1", "m2", "m3"} {
		refs = append(refs, directory.UserRef(directory.ByID(h.seedUser(directory.NewUser{Username: name}).ID)))
	}
	big := h.seedGroup("big", refs...)
	small := h.seedGroup("small", refs[:2]...)
	expect(t, h.admin.Get("/groups/"+big.ID+"/members"), http.StatusBadRequest, "more than 2 entries")
	expect(t, h.admin.Get("/groups/"+small.ID+"/members"), http.StatusOK)

	m1 := h.user(directory.ByName("m1"))
	expect(t, h.admin.Get("/users/"+m1.ID+"/groups"), http.StatusOK) // big and small
	h.seedGroup("third", refs[0])
	expect(t, h.admin.Get("/users/"+m1.ID+"/groups"), http.StatusBadRequest, "more than 2 entries")
	expect(t, h.admin.Get("/principals/"+m1.ID+"/groups"), http.StatusBadRequest, "more than 2 entries")
}

func TestLoneSurrogateIsRefused(t *testing.T) {
	h := newHarness(t)
	for _, s := range []string{`\ud800`, `\udfff`, `a\ud83d b`} {
		body := `{"userName":"sur` + s + `","displayName":"S","password":"Sur-pass-1"}`
		expect(t, h.admin.Do(http.MethodPost, "/users", openapitest.Request{Raw: []byte(body), Invalid: true}),
			http.StatusBadRequest, "lone UTF-16 surrogate")
	}
	if _, err := h.domain.GetUser(t.Context(), setupCaller, directory.ByName("sur\uFFFD")); err == nil {
		t.Error("a user with U+FFFD in its name was stored")
	}
}

func TestNegativeMaxResultsIsRefused(t *testing.T) {
	c := DefaultConfig()
	c.MaxResults = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "maxResults: must not be negative") {
		t.Errorf("Validate() = %v", err)
	}
}
