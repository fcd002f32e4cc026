package privacyidea

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func paramsOf(t *testing.T, method, target, contentType, body string) (params, *apiError) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set(echo.HeaderContentType, contentType)
	}
	return readParams(echo.New().NewContext(req, httptest.NewRecorder()))
}

func TestParamsMergeJSONOverFormOverQuery(t *testing.T) {
	p, err := paramsOf(t, "PUT", "/user?user=q&resolver=q&realm=q", echo.MIMEApplicationJSON,
		`{"user":"j","mobile":["1","2"],"userid":1009}`)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"user": "j", "resolver": "q", "userid": "1009"} {
		if got, _ := p.str(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if got, _ := p.list("mobile"); !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("mobile = %v", got)
	}

	p, err = paramsOf(t, "POST", "/user?user=q&surname=q", echo.MIMEApplicationForm, "user=f&User=F")
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := p.str("user"); u != "f" {
		t.Errorf("form must win over query: user = %q", u)
	}
	if u, _ := p.str("User"); u != "F" {
		t.Errorf("keys are case-sensitive: User = %q", u)
	}
	if s, _ := p.str("surname"); s != "q" {
		t.Errorf("surname = %q", s)
	}
}

func TestParamsMultipart(t *testing.T) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("user", "m")
	_ = w.Close()
	p, err := paramsOf(t, "POST", "/user", w.FormDataContentType(), body.String())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := p.str("user"); u != "m" {
		t.Errorf("user = %q", u)
	}
}

func TestParamsRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"malformed JSON", echo.MIMEApplicationJSON, `{"user":`},
		{"JSON array", echo.MIMEApplicationJSON, `["user"]`},
		{"unknown content type", "text/csv", "user,x"},
		{"bad form", echo.MIMEApplicationForm, "user=%zz"},
		{"JSON not UTF-8", echo.MIMEApplicationJSON, "{\"user\":\"a\xffb\"}"},
	} {
		_, err := paramsOf(t, "POST", "/user", tc.contentType, tc.body)
		if err == nil || err.status != http.StatusBadRequest || err.code != codeParameter {
			t.Errorf("%s: err = %v, want 400/905", tc.name, err)
		}
	}

	p, err := paramsOf(t, "POST", "/user", echo.MIMEApplicationJSON, `{"user":true,"email":["a"],"x":{"y":1},"realm":null}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"user", "email", "x"} {
		if _, err := p.str(key); err == nil || err.code != codeParameter {
			t.Errorf("str(%s): err = %v, want 905", key, err)
		}
	}
	if _, ok := p["realm"]; ok {
		t.Error("a JSON null must leave the key absent")
	}
	if _, err := p.required("resolver"); err == nil || err.message != "ERR905: Missing parameter: resolver" {
		t.Errorf("required: %v", err)
	}
}

func TestCommaList(t *testing.T) {
	p, _ := paramsOf(t, "GET", "/user/?realm=a,%20b,,c&attributes=", "", "")
	got, given, _ := p.commaList("realm")
	if !given || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("realm = %v (%v)", got, given)
	}
	if got, given, _ := p.commaList("attributes"); !given || len(got) != 0 {
		t.Errorf("attributes = %v (%v)", got, given)
	}
	if _, given, _ := p.commaList("resolver"); given {
		t.Error("resolver was not given")
	}
}
