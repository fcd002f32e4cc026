package privacyidea_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestQuickStart: `dirgate serve` without a configuration serves its
// embedded directory as the editable resolver "local" of the default realm
// "local"; the quick start's admin logs in at /auth as a privacyIDEA admin
// and manages users there, and the credentials file has no privacyIDEA
// section.
func TestQuickStart(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	creds := p.Credentials()
	if _, ok := creds["privacyidea"]; ok {
		t.Errorf("initial-credentials.json has a privacyidea section: %v", creds)
	}
	admin, _ := creds["admin"].(map[string]any)
	username, _ := admin["username"].(string)
	password, _ := admin["password"].(string)

	var auth struct {
		Result struct {
			Value struct{ Token, Role, Realm string } `json:"value"`
		} `json:"result"`
	}
	call(t, http.MethodPost, p.URL+"/auth", "", url.Values{"username": {username}, "password": {password}}, &auth)
	if v := auth.Result.Value; v.Role != "admin" || v.Realm != "local" || v.Token == "" {
		t.Fatalf("quick-start admin login: %+v", v)
	}
	token := auth.Result.Value.Token

	var created struct {
		Result struct{ Value string } `json:"result"`
	}
	call(t, http.MethodPost, p.URL+"/user", token, url.Values{"user": {"qs-user"}, "resolver": {"local"}, "email": {"qs@example.com"}}, &created)
	if created.Result.Value == "" {
		t.Fatal("POST /user returned no userid")
	}
	var list struct {
		Result struct{ Value []map[string]any } `json:"result"`
	}
	call(t, http.MethodGet, p.URL+"/user/?realm=local&username=qs-*", token, nil, &list)
	if v := list.Result.Value; len(v) != 1 || v[0]["userid"] != created.Result.Value || v[0]["email"] != "qs@example.com" ||
		v[0]["resolver"] != "local" || v[0]["editable"] != true {
		t.Errorf("listing: %+v", v)
	}
}

// call sends form (nil: none) with the token and decodes a 200 answer.
func call(t *testing.T, method, target, token string, form url.Values, into any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("PI-Authorization", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, into) != nil {
		t.Fatalf("%s %s: HTTP %d %s", method, target, resp.StatusCode, raw)
	}
}
