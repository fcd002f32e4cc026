package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestImportOfForeignHashesSaysSoOnce: importing another directory's
// users whose {SSHA} hashes the embedded store cannot verify prints one
// summary with their number and what to do — not a line per user — and
// no progress bar when stderr is not a terminal.
func TestImportOfForeignHashesSaysSoOnce(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	if code := p.Stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	const users = 1500
	var b strings.Builder
	b.WriteString("dn: ou=imported,dc=example,dc=com\nobjectClass: organizationalUnit\nou: imported\n\n")
	for i := range users {
		fmt.Fprintf(&b, "dn: uid=imp%d,ou=imported,dc=example,dc=com\nobjectClass: inetOrgPerson\n"+
			"uid: imp%d\nsn: I\nuserPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n\n", i, i)
	}
	ldif := filepath.Join(t.TempDir(), "foreign.ldif")
	if err := os.WriteFile(ldif, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	res := e2eutil.Run(t, nil, "import", "--data-dir", p.DataDir, "--in", ldif)
	if res.Code != 0 {
		t.Fatalf("import: %d %s", res.Code, res.Stderr)
	}
	if n := strings.Count(res.Stderr, "cannot verify"); n != 1 {
		t.Errorf("%d lines say a hash cannot be verified, want one summary:\n%.2000s", n, res.Stderr)
	}
	for _, want := range []string{"1,500 users keep a password hash this store cannot verify ({SSHA})",
		"new password", "docs/deployment.md", "imported 1501 entries"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%.2000s", want, res.Stderr)
		}
	}
	if strings.Contains(res.Stderr, "\r") || strings.Contains(res.Stderr, "importing") {
		t.Errorf("a progress bar was drawn on a stderr that is not a terminal:\n%.2000s", res.Stderr)
	}
}
