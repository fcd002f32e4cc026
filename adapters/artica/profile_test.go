package artica

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestProfilePatch(t *testing.T) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal([]byte(`{"givenName":"Jean","SN":"Dupont","mail":"","title":"Director","telephoneNumber":"+33 1","mobile":""}`), &body); err != nil {
		t.Fatal(err)
	}
	p, err := profilePatch(body)
	if err != nil {
		t.Fatalf("profilePatch: %v", err)
	}
	if *p.GivenName != "Jean" || *p.Surname != "Dupont" || *p.Mail != "" || *p.Title != "Director" ||
		*p.Telephone != "+33 1" || p.Mobile == nil || len(*p.Mobile) != 0 {
		t.Fatalf("patch = %+v", p)
	}
	if p.DisplayName != nil || p.UIDNumber != nil || p.Attributes != nil {
		t.Fatalf("patch touches more than the whitelist: %+v", p)
	}
}

func TestProfilePatchRefuses(t *testing.T) {
	for body, want := range map[string]string{
		`{"givenName":"J","uidNumber":"0"}`:   `"uidNumber" cannot be modified`,
		`{"userPassword":"x"}`:                `"userPassword" cannot be modified`,
		`{"givenName":"J","displayName":"x"}`: `"displayName" cannot be modified`,
		`{"sn":5}`:                            "sn must be a string",
		`{"mail":null}`:                       "mail must be a string",
		`{"sn":"a","SN":"b"}`:                 "given twice",
	} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatal(err)
		}
		_, err := profilePatch(m)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("profilePatch(%s) = %v, want %q", body, err, want)
		}
	}
}
