package kanboard

import (
	"encoding/json"
	"testing"
)

var getUserDecl = []param{{name: "user_id"}}

var createUserDecl = []param{{name: "username"}, {name: "password"}, {name: "name", optional: true},
	{name: "email", optional: true}, {name: "role", optional: true}}

func TestBindCountsLikeKanboard(t *testing.T) {
	for _, c := range []struct {
		name   string
		params string
		decl   []param
		data   string // -32602 data; "" when binding succeeds
	}{
		{"no params, none declared", ``, nil, ""},
		{"empty object, none declared", `{}`, nil, ""},
		{"empty array, none declared", `[]`, nil, ""},
		{"one param, none declared", `[1]`, nil, "Too many arguments"},
		{"no params, one required", ``, getUserDecl, "Wrong number of arguments"},
		{"empty object, one required", `{}`, getUserDecl, "Wrong number of arguments"},
		{"positional", `[5]`, getUserDecl, ""},
		{"positional, too many", `[5,6]`, getUserDecl, "Too many arguments"},
		{"named", `{"user_id":5}`, getUserDecl, ""},
		{"named, wrong name", `{"id":5}`, getUserDecl, "Missing argument: user_id"},
		{"named, extra name counts", `{"user_id":5,"x":1}`, getUserDecl, "Too many arguments"},
		{"named, extra name within the count", `{"username":"a","password":"b","colour":"red"}`, createUserDecl, ""},
		{"named, required missing", `{"username":"a","name":"b"}`, createUserDecl, "Missing argument: password"},
		{"positional, optional left out", `["a","b"]`, createUserDecl, ""},
		{"positional, one short", `["a"]`, createUserDecl, "Wrong number of arguments"},
		{"positional, all", `["a","b","c","d","e"]`, createUserDecl, ""},
		{"positional, six", `["a","b","c","d","e","f"]`, createUserDecl, "Too many arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := bind(json.RawMessage(c.params), c.decl)
			if c.data == "" {
				if err != nil {
					t.Fatalf("bind(%s) = %v", c.params, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("bind(%s) = %v, want %q", c.params, a, c.data)
			}
			if err.Code != -32602 || err.Message != "Invalid params" || string(err.Data) != `"`+c.data+`"` {
				t.Errorf("bind(%s) = %d %q %s, want -32602 Invalid params %q", c.params, err.Code, err.Message, err.Data, c.data)
			}
		})
	}
}

func TestBindPositionAndName(t *testing.T) {
	a, err := bind(json.RawMessage(`["bob","pw",null]`), createUserDecl)
	if err != nil {
		t.Fatal(err)
	}
	if string(a["username"]) != `"bob"` || string(a["password"]) != `"pw"` || string(a["name"]) != "null" {
		t.Errorf("positional args = %v", a)
	}
	if _, ok := a["email"]; ok {
		t.Errorf("email was not given but is bound")
	}
	a, err = bind(json.RawMessage(`{"password":"pw","username":"bob","role":"app-admin"}`), createUserDecl)
	if err != nil {
		t.Fatal(err)
	}
	if string(a["username"]) != `"bob"` || string(a["role"]) != `"app-admin"` || a.given("name") {
		t.Errorf("named args = %v", a)
	}
}

func TestArgText(t *testing.T) {
	for raw, want := range map[string]struct {
		s  string
		ok bool
	}{
		`"bob"`:      {"bob", true},
		`"a\u0000b"`: {"a\x00b", true},
		`42`:         {"42", true},
		`-1.5`:       {"-1.5", true},
		`true`:       {"1", true},
		`false`:      {"", true},
		`null`:       {"dflt", true},
		`[]`:         {"", false},
		`{"a":1}`:    {"", false},
	} {
		s, ok := args{"v": json.RawMessage(raw)}.text("v", "dflt")
		if s != want.s || ok != want.ok {
			t.Errorf("text(%s) = %q, %v; want %q, %v", raw, s, ok, want.s, want.ok)
		}
	}
	if s, ok := (args{}).text("v", "dflt"); s != "dflt" || !ok {
		t.Errorf("text(absent) = %q, %v", s, ok)
	}
	if p, ok := (args{"v": json.RawMessage(`null`)}).optionalText("v"); p != nil || !ok {
		t.Errorf("optionalText(null) = %v, %v; want nil (leave as it is)", p, ok)
	}
	if p, ok := (args{"v": json.RawMessage(`""`)}).optionalText("v"); p == nil || *p != "" || !ok {
		t.Errorf(`optionalText("") = %v, %v; want "" (clear)`, p, ok)
	}
}

func TestArgID(t *testing.T) {
	for raw, want := range map[string]int64{
		`10007`: 10007, `"10007"`: 10007, `10007.0`: 10007, `1e4`: 10000,
		`0`: 0, `-5`: 0, `"-5"`: 0, `1.5`: 0, `"12a"`: 0, `" 12"`: 0, `""`: 0,
		`true`: 0, `null`: 0, `[1]`: 0, `{"id":1}`: 0, `99999999999999999999`: 0,
		// 2^63 parses as a float equal to float64(MaxInt64) and must not
		// wrap to a negative id (found by FuzzBind).
		`9223372036854775808`: 0, `9.223372036854775807e18`: 0, `9223372036854774784`: 9223372036854774784,
	} {
		n, ok := args{"id": json.RawMessage(raw)}.id("id")
		if want == 0 && ok || want != 0 && (!ok || n != want) {
			t.Errorf("id(%s) = %d, %v; want %d", raw, n, ok, want)
		}
	}
	if _, ok := (args{}).id("id"); ok {
		t.Errorf("id(absent) is ok")
	}
}
