package adweb

import (
	"errors"
	"net/http"
	"testing"
)

func TestParseBodyKeysAreCaseInsensitiveAndLastWins(t *testing.T) {
	o, err := parseBody([]byte(`{"FQDN":"a.org","userdn":"cn=x,dc=a,dc=org","fqdn":"b.org",
		"createUser":{"SamAccountName":"m"},"customAttributes":{"Pager":"1","MAIL":"x@y.z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := text(o, "fqdn"); got != "b.org" {
		t.Errorf("fqdn = %q, want the last value b.org", got)
	}
	if got, _ := text(o, "userDN"); got != "cn=x,dc=a,dc=org" {
		t.Errorf("userDN = %q", got)
	}
	cu, err := nested(o, "CREATEUSER")
	if err != nil || cu == nil {
		t.Fatalf("createUser: %v %v", cu, err)
	}
	if got, _ := text(cu, "samaccountname"); got != "m" {
		t.Errorf("samaccountname = %q", got)
	}
	ca, _ := nested(o, "customattributes")
	var names []string
	_ = ca.each(func(name string, _ any) error { names = append(names, name); return nil })
	if len(names) != 2 || names[0] != "Pager" || names[1] != "MAIL" {
		t.Errorf("customAttributes names = %v, want the client's spelling in order", names)
	}
}

func TestParseBodyRefusesWhatIsNotOneObject(t *testing.T) {
	for _, body := range []string{`[1]`, `"x"`, `{"a":1} {"b":2}`, `{"a":`, `{a:1}`, `{"a":1,}`, "{\"a\":\"\xff\"}"} {
		if _, err := parseBody([]byte(body)); err == nil {
			t.Errorf("parseBody(%s) accepted", body)
		}
	}
	deep := ""
	for range 40 {
		deep += `{"a":`
	}
	if _, err := parseBody([]byte(deep + "1" + string(make([]byte, 0)))); err == nil {
		t.Error("a deeply nested body was accepted")
	}
	if o, err := parseBody([]byte("  ")); err != nil || o == nil {
		t.Errorf("empty body: %v %v", o, err)
	}
}

func TestTextAndFlagTypes(t *testing.T) {
	o, err := parseBody([]byte(`{"postalCode":54561,"s":"x","obj":{},"arr":[],"nul":"a\u0000b",
		"t1":"True","t2":true,"f1":"false","f2":"","f3":0,"bad":"maybe","n":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := text(o, "postalcode"); err != nil || got != "54561" {
		t.Errorf("number as text = %q, %v", got, err)
	}
	for _, field := range []string{"obj", "arr", "nul"} {
		_, err := text(o, field)
		var ae *apiError
		if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.code != codeInvalidField {
			t.Errorf("text(%s) = %v, want 400 INVALID_FIELD", field, err)
		}
	}
	for field, want := range map[string]bool{"t1": true, "t2": true, "f1": false, "f2": false, "f3": false, "n": false, "absent": false} {
		if got, err := flag(o, field); err != nil || got != want {
			t.Errorf("flag(%s) = %v, %v; want %v", field, got, err, want)
		}
	}
	if _, err := flag(o, "bad"); err == nil {
		t.Error(`flag("maybe") accepted`)
	}
	if _, err := requiredText(o, "absent"); err == nil || err.Error() != "MISSING_FIELD: absent is required" {
		t.Errorf("requiredText(absent) = %v", err)
	}
}

func TestParseQueryKeepsUnencodedDNs(t *testing.T) {
	o := newObject()
	o.set("FQDN", "from-body.org")
	err := parseQuery("ouDN=cn=adbc-child,dc=dart,dc=org&FQDN=dart.org&userDN=cn=a;b,dc=x&name=ABC+Site&enc=ou%3DA%2CB&flag", o)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"oudn": "cn=adbc-child,dc=dart,dc=org", "fqdn": "from-body.org", "userdn": "cn=a;b,dc=x",
		"name": "ABC Site", "enc": "ou=A,B", "flag": "",
	} {
		if got, _ := text(o, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if err := parseQuery("a=%zz", newObject()); err == nil {
		t.Error("a badly encoded query was accepted")
	}
}
