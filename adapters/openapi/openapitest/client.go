// Package openapitest is an HTTP client for tests of the openapi dialect
// that validates every request it sends and every response it gets
// against the dialect's OpenAPI document (adapters/openapi/spec/openapi.json), with
// getkin/kin-openapi's validator. Unit tests (httptest) and end-to-end
// tests (the built binary) use it alike, so the document cannot drift from
// what the server does.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/dirgate/dirgate/adapters/openapi/spec"
)

// Document loads and validates the OpenAPI document, once.
var Document = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec.Document)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("OpenAPI document is invalid: %w", err)
	}
	return doc, nil
})

// Client sends requests to one dialect mount (BaseURL ends with the
// prefix, e.g. http://127.0.0.1:8080/api) and validates each exchange.
type Client struct {
	t       testing.TB
	baseURL *url.URL
	http    *http.Client
	router  routers.Router
	doc     *openapi3.T
	// Token is sent as the bearer token unless a request says otherwise.
	Token string
}

// New makes a client for the mount at baseURL.
func New(t testing.TB, baseURL string, hc *http.Client) *Client {
	t.Helper()
	doc, err := Document()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil {
		t.Fatalf("base URL: %v", err)
	}
	// Route against the mount actually under test, whatever its prefix.
	routed := *doc
	routed.Servers = openapi3.Servers{{URL: u.String()}}
	router, err := legacy.NewRouter(&routed)
	if err != nil {
		t.Fatalf("OpenAPI router: %v", err)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{t: t, baseURL: u, http: hc, router: router, doc: doc}
}

// WithToken returns a copy of the client sending token.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// Response is an answer, its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode decodes the body as JSON into v, failing the test otherwise.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d body %s: %v", r.Status, r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

// Error is the message of an {"error":…} body ("" when there is none).
func (r *Response) Error() string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error
}

// Request describes one request beyond method and path.
type Request struct {
	// JSON is marshalled as the body (application/json) unless Raw is set.
	JSON any
	// Raw is sent as the body as is.
	Raw []byte
	// ContentType overrides the body's media type.
	ContentType string
	// NoToken sends no Authorization header.
	NoToken bool
	// Header adds headers.
	Header http.Header
	// Invalid marks a request that breaks the document on purpose (to test
	// the server's answer to bad input): it is not validated, its
	// response still is.
	Invalid bool
}

// Do sends a request to path (relative to the base URL, query included)
// and validates the exchange against the document. A failed validation
// fails the test; the response is returned either way.
func (c *Client) Do(method, path string, req Request) *Response {
	c.t.Helper()
	var body []byte
	ct := req.ContentType
	switch {
	case req.Raw != nil:
		body = req.Raw
	case req.JSON != nil:
		var err error
		if body, err = json.Marshal(req.JSON); err != nil {
			c.t.Fatalf("marshal request body: %v", err)
		}
	}
	if body != nil && ct == "" {
		ct = "application/json"
	}
	build := func() *http.Request {
		r, err := http.NewRequestWithContext(context.Background(), method, c.baseURL.String()+path, bytes.NewReader(body))
		if err != nil {
			c.t.Fatalf("build request: %v", err)
		}
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		if c.Token != "" && !req.NoToken {
			r.Header.Set("Authorization", "Bearer "+c.Token)
		}
		for k, vs := range req.Header {
			for _, v := range vs {
				r.Header.Add(k, v)
			}
		}
		return r
	}
	httpReq := build()
	input, routeErr := c.requestInput(build())
	if routeErr == nil && !req.Invalid {
		if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
			c.t.Errorf("%s %s: request does not match the OpenAPI document: %v", method, path, err)
		}
	}
	resp, err := c.http.Do(httpReq)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: respBody}
	if routeErr != nil {
		// No operation of the document (an unknown path, a method a path
		// does not serve): the answer must still be the error envelope.
		c.checkErrorEnvelope(method, path, out)
		return out
	}
	rv := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 out.Status,
		Header:                 out.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	rv.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), rv); err != nil {
		c.t.Errorf("%s %s: %d response does not match the OpenAPI document: %v\nbody: %s", method, path, out.Status, err, respBody)
	}
	return out
}

func (c *Client) requestInput(r *http.Request) (*openapi3filter.RequestValidationInput, error) {
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		return nil, err
	}
	return &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			SkipSettingDefaults: true,
			MultiError:          true,
			AuthenticationFunc:  requireBearer,
		},
	}, nil
}

// requireBearer: a secured operation's request must carry a bearer token.
func requireBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") {
		return errors.New("no bearer token")
	}
	return nil
}

func (c *Client) checkErrorEnvelope(method, path string, r *Response) {
	c.t.Helper()
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		c.t.Errorf("%s %s: %d body is not JSON: %s", method, path, r.Status, r.Body)
		return
	}
	schema := c.doc.Components.Schemas["Error"].Value
	if err := schema.VisitJSON(v); err != nil {
		c.t.Errorf("%s %s: %d body is not the error envelope: %v\nbody: %s", method, path, r.Status, err, r.Body)
	}
}

// Get, Post, Put, Patch and Delete are Do with the method.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, Request{})
}

// Post sends body as JSON.
func (c *Client) Post(path string, body any) *Response {
	c.t.Helper()
	return c.Do(http.MethodPost, path, Request{JSON: body})
}

// Put sends body as JSON.
func (c *Client) Put(path string, body any) *Response {
	c.t.Helper()
	return c.Do(http.MethodPut, path, Request{JSON: body})
}

// PatchJSON sends a JSON Patch document.
func (c *Client) PatchJSON(path string, ops any) *Response {
	c.t.Helper()
	return c.Do(http.MethodPatch, path, Request{JSON: ops, ContentType: "application/json-patch+json"})
}

// Delete sends a DELETE.
func (c *Client) Delete(path string) *Response {
	c.t.Helper()
	return c.Do(http.MethodDelete, path, Request{})
}
