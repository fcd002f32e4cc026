package identity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestAuditWritesOneJSONLinePerEvent(t *testing.T) {
	var buf bytes.Buffer
	a := NewAuditLog(&buf)
	a.now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	c := Caller{Name: "key-1", Dialect: "adweb", RequestID: "req-9"}
	a.record(c, "example.com", OpUserCreate, "uid=a,dc=example,dc=com", nil)
	// The backend's diagnostic (which could quote a value) must not reach
	// the log: only the kind of failure.
	a.record(c, "example.com", OpPasswordSet, "uid=a,dc=example,dc=com",
		fmt.Errorf("%w: LDAP Result Code 19: password S3cr3t! in history", directory.ErrPasswordPolicy))

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), buf.String())
	}
	var ok, failed AuditEvent
	if err := json.Unmarshal([]byte(lines[0]), &ok); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &failed); err != nil {
		t.Fatal(err)
	}
	if ok.Outcome != "success" || ok.Operation != OpUserCreate || ok.Caller != "key-1" || ok.Dialect != "adweb" ||
		ok.RequestID != "req-9" || ok.Domain != "example.com" || !ok.Time.Equal(a.now()) {
		t.Errorf("success event = %+v", ok)
	}
	if failed.Outcome != "failure" || failed.Error != directory.ErrPasswordPolicy.Error() {
		t.Errorf("failure event = %+v", failed)
	}
	if strings.Contains(buf.String(), "S3cr3t!") {
		t.Error("the audit log repeats a server diagnostic that held a password")
	}
}

func TestNilAuditLogDiscards(t *testing.T) {
	var a *AuditLog
	a.record(Caller{}, "d", OpUserCreate, "x", nil) // must not panic
}
