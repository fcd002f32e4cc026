package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
)

// A dialect's two measured operations: read one user by name, create one.
type dialectOps struct {
	name string
	// prefix starts the names of the users it creates.
	prefix string
	// client makes one load client's HTTP connection.
	client func(g *gate) *httpClient
	get    func(ctx context.Context, h *httpClient, g *gate, username string) error
	create func(ctx context.Context, h *httpClient, username string) error
}

// dialects are measured in this order, each beside raw LDAP.
var dialects = []dialectOps{
	{
		name:   "Artica",
		prefix: "art",
		client: func(g *gate) *httpClient { return newUnixClient(g.cr.articaSocket) },
		get: func(ctx context.Context, h *httpClient, _ *gate, u string) error {
			_, err := h.call(ctx, http.MethodGet, "/openldap/members/"+u, "", nil, http.StatusOK,
				`"Status": true`, `"uid": "`+u+`"`)
			return err
		},
		create: func(ctx context.Context, h *httpClient, u string) error {
			_, err := h.postJSON(ctx, "/openldap/members", map[string]any{
				"login": u, "password": createPassword, "firstname": "Load", "lastname": u, "email": u + "@example.com", "ou": articaOrg,
			}, http.StatusOK, `"Status": true`)
			return err
		},
	},
	{
		name:   "AD-web",
		prefix: "adw",
		client: func(g *gate) *httpClient {
			return newHTTPClient(g.dg.url, header("ApiKey", g.cr.adwebKey, "ApiSecret", g.cr.adwebSecret))
		},
		get: func(ctx context.Context, h *httpClient, g *gate, u string) error {
			q := url.Values{"userDN": {"uid=" + u + "," + peopleDN}, "FQDN": {domain}}
			_, err := h.call(ctx, http.MethodPost, "/restapi/getuserinfo?"+q.Encode(), "", nil, http.StatusOK,
				`"success":true`, u)
			return err
		},
		create: func(ctx context.Context, h *httpClient, u string) error {
			_, err := h.postJSON(ctx, "/restapi/createuser", map[string]any{"createUser": map[string]any{
				"SamAccountName": u, "UserPrincipalName": u + "@example.com", "Password": createPassword,
				"ouDN": peopleDN, "FQDN": domain,
			}}, http.StatusOK, `"success":true`)
			return err
		},
	},
	{
		name:   "privacyIDEA",
		prefix: "pi",
		client: func(g *gate) *httpClient {
			return newHTTPClient(g.dg.url, header("Authorization", g.piToken))
		},
		get: func(ctx context.Context, h *httpClient, _ *gate, u string) error {
			_, err := h.call(ctx, http.MethodGet, "/user/?username="+u, "", nil, http.StatusOK,
				`"username":"`+u+`"`)
			return err
		},
		create: func(ctx context.Context, h *httpClient, u string) error {
			_, err := h.postJSON(ctx, "/user/", map[string]any{
				"user": u, "resolver": piResolver, "password": createPassword,
				"givenname": "Load", "surname": u, "email": u + "@example.com",
			}, http.StatusOK, `"status":true`)
			return err
		},
	},
	{
		name:   "Kanboard",
		prefix: "kb",
		client: func(g *gate) *httpClient {
			basic := base64.StdEncoding.EncodeToString([]byte("jsonrpc:" + g.cr.kanboardToken))
			return newHTTPClient(g.dg.url, header("Authorization", "Basic "+basic))
		},
		get: func(ctx context.Context, h *httpClient, _ *gate, u string) error {
			_, err := h.postJSON(ctx, "/jsonrpc.php", map[string]any{
				"jsonrpc": "2.0", "method": "getUserByName", "id": 1, "params": map[string]any{"username": u},
			}, http.StatusOK, `"username":"`+u+`"`)
			return err
		},
		create: func(ctx context.Context, h *httpClient, u string) error {
			b, err := h.postJSON(ctx, "/jsonrpc.php", map[string]any{
				"jsonrpc": "2.0", "method": "createUser", "id": 1,
				"params": map[string]any{"username": u, "password": createPassword, "name": "Load " + u, "email": u + "@example.com"},
			}, http.StatusOK, `"result":`)
			if err == nil && bytes.Contains(b, []byte(`"result":false`)) {
				return fmt.Errorf("createUser %s: %s", u, clip(b))
			}
			return err
		},
	},
	{
		name:   "OpenAPI",
		prefix: "oa",
		client: func(g *gate) *httpClient {
			return newHTTPClient(g.dg.url, header("Authorization", "Bearer "+g.oaToken))
		},
		get: func(ctx context.Context, h *httpClient, _ *gate, u string) error {
			_, err := h.call(ctx, http.MethodGet, "/api/users?filter%5BuserName%5D%5BEQ%5D="+u, "", nil, http.StatusOK,
				`"userName":"`+u+`"`)
			return err
		},
		create: func(ctx context.Context, h *httpClient, u string) error {
			_, err := h.postJSON(ctx, "/api/users", map[string]any{
				"userName": u, "password": createPassword, "displayName": "Load " + u, "email": u + "@example.com",
			}, http.StatusCreated, `"userName":"`+u+`"`)
			return err
		},
	},
	{
		name:   "SCIM",
		prefix: "sc",
		client: func(g *gate) *httpClient {
			return newHTTPClient(g.dg.url, header("Authorization", "Bearer "+g.cr.scimToken))
		},
		// Entra ID's and Okta's lookup: a filter on userName.
		get: func(ctx context.Context, h *httpClient, _ *gate, u string) error {
			_, err := h.call(ctx, http.MethodGet, "/scim/v2/Users?filter="+url.QueryEscape(`userName eq "`+u+`"`), "", nil,
				http.StatusOK, `"totalResults":1`, `"userName":"`+u+`"`)
			return err
		},
		create: func(ctx context.Context, h *httpClient, u string) error {
			_, err := h.postJSON(ctx, "/scim/v2/Users", map[string]any{
				"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": u, "password": createPassword,
				"displayName": "Load " + u, "emails": []any{map[string]any{"value": u + "@example.com", "type": "work"}},
			}, http.StatusCreated, `"userName":"`+u+`"`)
			return err
		},
	},
	{
		// GET /Users/{id}: the read a provider makes of a user it knows.
		// Reads only: its creates are SCIM's.
		name:   "SCIM by id",
		prefix: "sci",
		client: func(g *gate) *httpClient {
			return newHTTPClient(g.dg.url, header("Authorization", "Bearer "+g.cr.scimToken))
		},
		get: func(ctx context.Context, h *httpClient, g *gate, u string) error {
			id, err := g.scimID(ctx, h, u)
			if err != nil {
				return err
			}
			_, err = h.call(ctx, http.MethodGet, "/scim/v2/Users/"+id, "", nil, http.StatusOK, `"userName":"`+u+`"`)
			return err
		},
	},
}

// scimID is the SCIM id of a fixture user: every id is read once, a page
// of 1,000 at a time, before the first by-id read.
func (g *gate) scimID(ctx context.Context, h *httpClient, username string) (string, error) {
	g.scimOnce.Do(func() {
		g.scimIDs = map[string]string{}
		for start := 1; ; start += 1000 {
			b, err := h.call(ctx, http.MethodGet, fmt.Sprintf("/scim/v2/Users?startIndex=%d&count=1000&attributes=userName", start),
				"", nil, http.StatusOK)
			if err != nil {
				g.scimErr = err
				return
			}
			var page struct {
				Resources []struct {
					ID       string `json:"id"`
					UserName string `json:"userName"`
				} `json:"Resources"`
			}
			if err := json.Unmarshal(b, &page); err != nil {
				g.scimErr = err
				return
			}
			for _, r := range page.Resources {
				g.scimIDs[r.UserName] = r.ID
			}
			if len(page.Resources) < 1000 {
				return
			}
		}
	})
	if g.scimErr != nil {
		return "", g.scimErr
	}
	id, ok := g.scimIDs[username]
	if !ok {
		return "", fmt.Errorf("no SCIM id for %s", username)
	}
	return id, nil
}

// getTarget reads random fixture users through the dialect.
func (g *gate) getTarget(d dialectOps) target {
	fx := g.s.fx
	return target{kind: kindGet, name: targetName(d.name, g.readModel), gate: g, client: func(_ context.Context, run, i int) (op, func(), error) {
		h := d.client(g)
		rng := rand.New(rand.NewPCG(uint64(run), uint64(i)))
		return func(ctx context.Context) error {
			return d.get(ctx, h, g, fx.username(rng.IntN(fx.users)))
		}, h.close, nil
	}}
}

// createTarget creates users with names of their own through the dialect.
func (g *gate) createTarget(d dialectOps) target {
	return target{kind: kindCreate, name: targetName(d.name, g.readModel), gate: g, client: func(_ context.Context, run, i int) (op, func(), error) {
		h := d.client(g)
		seq := 0
		return func(ctx context.Context) error {
			seq++
			return d.create(ctx, h, newName(d.prefix, run, i, seq))
		}, h.close, nil
	}}
}
