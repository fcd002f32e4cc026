package kanboard

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

const (
	parseError     = `{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}`
	invalidRequest = `{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}`
)

func methodNotFound(id string) string {
	return `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":` + id + `}`
}

func invalidParamsReply(id, data string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":%q},"id":%s}`, data, id)
}

func TestProtocolErrors(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ name, body, want string }{
		{"not JSON", `{"jsonrpc":`, parseError},
		{"trailing garbage", `{"jsonrpc":"2.0","method":"getAllUsers","id":1} x`, parseError},
		{"empty body", ``, parseError},
		{"a number", `42`, parseError},
		{"a string", `"getAllUsers"`, parseError},
		{"null", `null`, parseError},
		{"empty array", `[]`, invalidRequest},
		{"empty object", `{}`, invalidRequest},
		// JsonFormatValidator refuses a batch member that is not an array
		// or object as the library's parse error; an array member is
		// RpcFormatValidator's invalid request.
		{"[1] is a parse error per member", `[1]`, "[" + parseError + "]"},
		{"[1,2,3] is a parse error per member", `[1,2,3]`, "[" + parseError + "," + parseError + "," + parseError + "]"},
		{"scalar members", `["x",null,true]`, "[" + parseError + "," + parseError + "," + parseError + "]"},
		{"[[]]", `[[]]`, "[" + invalidRequest + "]"},
		{"[[1,2]]", `[[1,2]]`, "[" + invalidRequest + "]"},
		{"no version", `{"method":"getAllUsers","id":1}`, invalidRequest},
		{"version 1.0", `{"jsonrpc":"1.0","method":"getAllUsers","id":1}`, invalidRequest},
		{"version a number", `{"jsonrpc":2.0,"method":"getAllUsers","id":1}`, invalidRequest},
		{"no method", `{"jsonrpc":"2.0","id":1}`, invalidRequest},
		{"method a number", `{"jsonrpc":"2.0","method":7,"id":1}`, invalidRequest},
		{"method null", `{"jsonrpc":"2.0","method":null,"id":1}`, invalidRequest},
		// isset() holds for "": the empty name is looked up and not found.
		{"an empty method name is not found", `{"jsonrpc":"2.0","method":"","id":1}`, methodNotFound("1")},
		{"invalid request with an object id", `{"jsonrpc":"2.0","method":7,"id":{"a":1}}`, invalidRequest},
		{"params a string", `{"jsonrpc":"2.0","method":"getUser","params":"1","id":1}`, invalidRequest},
		{"params a number", `{"jsonrpc":"2.0","method":"getUser","params":1,"id":1}`, invalidRequest},
		// An invalid request is answered even without an id.
		{"invalid notification", `{"jsonrpc":"2.0","method":7}`, invalidRequest},
		{"unknown method", `{"jsonrpc":"2.0","method":"getMe","id":9}`, methodNotFound("9")},
		{"unknown method, string id", `{"jsonrpc":"2.0","method":"createProject","id":"abc"}`, methodNotFound(`"abc"`)},
		{"too few", `{"jsonrpc":"2.0","method":"getUser","id":1}`, invalidParamsReply("1", "Wrong number of arguments")},
		{"too few named", `{"jsonrpc":"2.0","method":"createUser","params":{"username":"x"},"id":1}`, invalidParamsReply("1", "Wrong number of arguments")},
		{"too many", `{"jsonrpc":"2.0","method":"getAllUsers","params":[1],"id":1}`, invalidParamsReply("1", "Too many arguments")},
		{"too many named", `{"jsonrpc":"2.0","method":"removeUser","params":{"user_id":1,"force":true},"id":1}`, invalidParamsReply("1", "Too many arguments")},
		{"missing named", `{"jsonrpc":"2.0","method":"getUser","params":{"userid":1},"id":1}`, invalidParamsReply("1", "Missing argument: user_id")},
		{"updateUser takes id", `{"jsonrpc":"2.0","method":"updateUser","params":{"user_id":1},"id":1}`, invalidParamsReply("1", "Missing argument: id")},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := h.app(c.body)
			if res.status != http.StatusOK || res.body != c.want {
				t.Errorf("%s\n got HTTP %d %s\nwant HTTP 200 %s", c.body, res.status, res.body, c.want)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestProtocolAnswers(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ name, body, want string }{
		{"getAllUsers without params", `{"jsonrpc":"2.0","method":"getAllUsers","id":1438712131}`,
			`{"jsonrpc":"2.0","result":[],"id":1438712131}`},
		{"params null", `{"jsonrpc":"2.0","method":"getAllUsers","params":null,"id":1}`, `{"jsonrpc":"2.0","result":[],"id":1}`},
		{"params {}", `{"jsonrpc":"2.0","method":"getAllUsers","params":{},"id":1}`, `{"jsonrpc":"2.0","result":[],"id":1}`},
		{"method name in any case", `{"jsonrpc":"2.0","method":"GETALLUSERS","id":1}`, `{"jsonrpc":"2.0","result":[],"id":1}`},
		{"string id", `{"jsonrpc":"2.0","method":"getUser","params":[5],"id":"req-1"}`, `{"jsonrpc":"2.0","result":null,"id":"req-1"}`},
		{"id as sent", `{"jsonrpc":"2.0","method":"getUser","params":[5],"id":1.50}`, `{"jsonrpc":"2.0","result":null,"id":1.50}`},
		// ResponseBuilder::withId echoes any id, whatever its type.
		{"an object id is echoed as given", `{"jsonrpc":"2.0","method":"getUser","params":[5],"id":{"a":[1,"b"]}}`,
			`{"jsonrpc":"2.0","result":null,"id":{"a":[1,"b"]}}`},
		{"an array id is echoed as given", `{"jsonrpc":"2.0","method":"isActiveUser","params":[5],"id":[7]}`,
			`{"jsonrpc":"2.0","result":false,"id":[7]}`},
		{"a boolean id is echoed as given", `{"jsonrpc":"2.0","method":"nope","id":true}`, methodNotFound("true")},
		{"an object id in a batch", `[{"jsonrpc":"2.0","method":"getUser","params":[5],"id":{"n":1}}]`,
			`[{"jsonrpc":"2.0","result":null,"id":{"n":1}}]`},
		{"members a request does not have are ignored", `{"jsonrpc":"2.0","method":"isActiveUser","params":[5],"id":2,"extra":true}`,
			`{"jsonrpc":"2.0","result":false,"id":2}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := h.app(c.body)
			if res.status != http.StatusOK || res.body != c.want {
				t.Errorf("%s\n got HTTP %d %s\nwant HTTP 200 %s", c.body, res.status, res.body, c.want)
			}
		})
	}
}

func TestBatchKeepsOrderAndSilencesNotifications(t *testing.T) {
	h := newHarness(t)
	res := h.app(`[
		{"jsonrpc":"2.0","method":"createUser","params":["noted","123456"]},
		{"jsonrpc":"2.0","method":"getUserByName","params":["ghost"],"id":"a"},
		1,
		{"jsonrpc":"2.0","method":"nope","id":3},
		{"jsonrpc":"2.0","method":"nope"},
		{"jsonrpc":"2.0","method":"getUser","id":4},
		{"jsonrpc":"2.0","method":"isActiveUser","params":{"user_id":1},"id":null},
		{"jsonrpc":"2.0","method":"getAllUsers","id":5}
	]`)
	noted := h.user(directory.ByName("noted"))
	if noted == nil {
		t.Fatal("the notification createUser did not run")
	}
	want := "[" + `{"jsonrpc":"2.0","result":null,"id":"a"}` + "," + parseError + "," + methodNotFound("3") + "," +
		invalidParamsReply("4", "Wrong number of arguments") + "," +
		fmt.Sprintf(`{"jsonrpc":"2.0","result":[{"id":"%d","username":"noted","role":"app-user","is_ldap_user":"0","name":"","email":"","google_id":null,"github_id":null,"notifications_enabled":"0","is_active":"1"}],"id":5}`, noted.UIDNumber) +
		"]"
	if res.status != http.StatusOK || res.body != want {
		t.Errorf("batch:\n got HTTP %d %s\nwant %s", res.status, res.body, want)
	}
}

func TestNotificationsGetAnEmptyBody(t *testing.T) {
	h := newHarness(t)
	for name, body := range map[string]string{
		"one":                      `{"jsonrpc":"2.0","method":"getAllUsers"}`,
		"id null":                  `{"jsonrpc":"2.0","method":"getAllUsers","id":null}`,
		"unknown method":           `{"jsonrpc":"2.0","method":"nope"}`,
		"bad params":               `{"jsonrpc":"2.0","method":"getUser","params":[1,2]}`,
		"all-notification batch":   `[{"jsonrpc":"2.0","method":"getAllUsers"},{"jsonrpc":"2.0","method":"createUser","params":["quiet","123456"],"id":null}]`,
		"single-notification list": `[{"jsonrpc":"2.0","method":"getAllUsers"}]`,
	} {
		res := h.app(body)
		if res.status != http.StatusOK || res.body != "" {
			t.Errorf("%s: HTTP %d %q, want 200 and an empty body", name, res.status, res.body)
		}
	}
	if h.user(directory.ByName("quiet")) == nil {
		t.Errorf("a notification in an all-notification batch did not run")
	}
}

func TestBodyTooLarge(t *testing.T) {
	h := newHarness(t)
	before := h.countUsers()
	big := `{"jsonrpc":"2.0","method":"createUser","params":["big","123456","` + strings.Repeat("x", testBodyLimit) + `"],"id":1}`
	res := h.app(big)
	if res.status != http.StatusOK || res.body != parseError {
		t.Errorf("oversized body: HTTP %d %s", res.status, res.body)
	}
	if h.countUsers() != before {
		t.Errorf("an oversized request changed the directory")
	}
}

func TestEndpointAliasAndMethods(t *testing.T) {
	h := newHarness(t)
	body := `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`
	for _, c := range []struct{ method, path string }{
		{http.MethodPost, "/jsonrpc"}, {http.MethodPut, "/jsonrpc.php"}, {http.MethodGet, "/jsonrpc.php"},
	} {
		res := h.request(c.method, c.path, body, func(r *http.Request) { r.SetBasicAuth(appUsername, testToken) })
		if res.status != http.StatusOK || res.body != `{"jsonrpc":"2.0","result":[],"id":1}` {
			t.Errorf("%s %s: HTTP %d %s", c.method, c.path, res.status, res.body)
		}
	}
}

func TestAnswersAreNotHTMLEscaped(t *testing.T) {
	h := newHarness(t)
	id := h.createUser("amp", "123456", "Tom & Jerry <t/j>", "")
	res := h.call("getUser", []any{id})
	if !strings.Contains(res, `"name":"Tom & Jerry <t/j>"`) {
		t.Errorf("getUser = %s, want the name as stored (PHP's JSON_UNESCAPED_SLASHES|UNICODE)", res)
	}
}
