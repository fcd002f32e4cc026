package config

import (
	"strings"
	"testing"
	"time"
)

// problemAt returns the problem reported at path, or fails.
func problemAt(t *testing.T, err error, path string) string {
	t.Helper()
	for _, p := range Problems(err) {
		if s := p.Error(); strings.HasPrefix(s, path+": ") {
			return s
		}
	}
	t.Fatalf("no problem at %s in: %v", path, err)
	return ""
}

// TestBareNumberDurationIsRefusedWithTheFix: readTimeout: 30 would be 30
// nanoseconds and break every request; it is refused, saying to write 30s,
// from the file and from the environment alike.
func TestBareNumberDurationIsRefusedWithTheFix(t *testing.T) {
	withFakes(t)
	_, err := Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "readTimeout: 5s", "readTimeout: 30", 1))})
	if msg := problemAt(t, err, "server.readTimeout"); !strings.Contains(msg, "write 30s") || !strings.Contains(msg, "nanoseconds") {
		t.Errorf("readTimeout: 30 → %q, want the fix 30s", msg)
	}

	t.Setenv("DIRGATE_SERVER_WRITETIMEOUT", "45")
	_, err = Load(reg, Source{File: writeFile(t, goodYAML)})
	if msg := problemAt(t, err, "server.writeTimeout"); !strings.Contains(msg, "write 45s") {
		t.Errorf("DIRGATE_SERVER_WRITETIMEOUT=45 → %q, want the fix 45s", msg)
	}

	// A backend's own duration goes through the same decoding.
	t.Setenv("DIRGATE_SERVER_WRITETIMEOUT", "45s")
	body := strings.Replace(goodYAML, "urls: [ldap://a, ldap://b]", "urls: [ldap://a]\n        timeout: 2.5", 1)
	_, err = Load(reg, Source{File: writeFile(t, body)})
	if msg := problemAt(t, err, "domains[0].backend.config.timeout"); !strings.Contains(msg, "write 2.5s") {
		t.Errorf("timeout: 2.5 → %q", msg)
	}

	cfg, err := Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "readTimeout: 5s", "readTimeout: 1m30s", 1))})
	if err != nil || cfg.Server.ReadTimeout != 90*time.Second || cfg.Server.WriteTimeout != 45*time.Second {
		t.Errorf("durations with units: %v, %+v", err, cfg)
	}
	// 0 ("none") means the same in every unit.
	cfg, err = Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "readTimeout: 5s", "readTimeout: 0", 1))})
	if err != nil || cfg.Server.ReadTimeout != 0 {
		t.Errorf("readTimeout: 0: %v", err)
	}
}

// TestUnquotedNumbersAreNotTurnedIntoText: weak typing would store the
// secret 0123 as "83" and true as "1"; the file must quote them.
func TestUnquotedNumbersAreNotTurnedIntoText(t *testing.T) {
	withFakes(t)
	for value, shown := range map[string]string{"0123": "83", "1.10": "1.1", "true": "true"} {
		_, err := Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "token: s3cret", "token: "+value, 1))})
		msg := problemAt(t, err, "dialects.fake.config.token")
		if !strings.Contains(msg, shown) || !strings.Contains(msg, "in quotes") {
			t.Errorf("token: %s → %q, want it refused, asking for quotes", value, msg)
		}
	}
	cfg, err := Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "token: s3cret", `token: "0123"`, 1))})
	if err != nil || cfg.Dialects["fake"].Config.(*fakeDialect).Token != "0123" {
		t.Errorf("a quoted number: %v", err)
	}
	// The environment is text already: a number there is the text itself.
	t.Setenv("DIRGATE_DIALECTS_FAKE_CONFIG_TOKEN", "0123")
	cfg, err = Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil || cfg.Dialects["fake"].Config.(*fakeDialect).Token != "0123" {
		t.Errorf("a number from the environment: %v", err)
	}
}

// TestWholeNumbersAreNotTruncated: bodyLimit: 10.5 or true is refused, not
// read as 10 or 1.
func TestWholeNumbersAreNotTruncated(t *testing.T) {
	withFakes(t)
	for _, value := range []string{"10.5", "true"} {
		_, err := Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "bodyLimit: 2048", "bodyLimit: "+value, 1))})
		problemAt(t, err, "server.bodyLimit")
	}
}

// TestEveryTypeErrorOfABlockIsListed: two bad values side by side are
// both reported, each under its key, not the first one alone.
func TestEveryTypeErrorOfABlockIsListed(t *testing.T) {
	withFakes(t)
	body := strings.Replace(goodYAML, "readTimeout: 5s", "readTimeout: 30\n  shutdownGrace: soon", 1)
	_, err := Load(reg, Source{File: writeFile(t, body)})
	problemAt(t, err, "server.readTimeout")
	problemAt(t, err, "server.shutdownGrace")
}

// TestSubSecondServerTimeoutsAreRefused: readTimeout: 30ms is a valid
// duration but cuts every request off; it is refused like a bare 30.
func TestSubSecondServerTimeoutsAreRefused(t *testing.T) {
	withFakes(t)
	_, err := Load(reg, Source{File: writeFile(t, strings.Replace(goodYAML, "readTimeout: 5s", "readTimeout: 30ms", 1))})
	if msg := problemAt(t, err, "server.readTimeout"); !strings.Contains(msg, "under a second") {
		t.Errorf("readTimeout: 30ms → %q", msg)
	}
}
