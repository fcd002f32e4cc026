package embedded

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// unverifiableLDIF holds n users with {SSHA} hashes and one with {CRYPT}
// under ou=staff.
func unverifiableLDIF(n int) string {
	var b strings.Builder
	b.WriteString("dn: ou=staff,dc=example,dc=com\nobjectClass: organizationalUnit\nou: staff\n\n")
	for i := range n {
		fmt.Fprintf(&b, "dn: uid=u%d,ou=staff,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: u%d\nsn: U\n"+
			"userPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n\n", i, i)
	}
	b.WriteString("dn: uid=old,ou=staff,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: old\nsn: O\n" +
		"userPassword: {crypt}$1$abc$def\n\n")
	return b.String()
}

// TestImportNotesUnverifiableHashesOnce: the users whose hash the store
// cannot verify are counted for the caller to report once — no line per
// user — and progress reaches the whole file.
func TestImportNotesUnverifiableHashesOnce(t *testing.T) {
	var logs syncBuffer
	d := openTest(t, testConfig(), t.TempDir())
	d.log = slog.New(slog.NewTextHandler(&logs, nil))

	var notes directory.ImportNotes
	var seen [][2]int
	ctx := directory.WithImportNotes(context.Background(), &notes)
	ctx = directory.WithProgress(ctx, func(done, total int) { seen = append(seen, [2]int{done, total}) })
	n, err := d.Import(ctx, strings.NewReader(unverifiableLDIF(600)), false)
	must(t, err)
	if n.Written() != 602 || notes.Unverifiable != 601 || !slices.Equal(notes.Schemes(), []string{"{CRYPT}", "{SSHA}"}) {
		t.Errorf("imported %d, notes %d %v; want 602, 601 [{CRYPT} {SSHA}]", n.Written(), notes.Unverifiable, notes.Schemes())
	}
	if len(seen) < 3 || seen[len(seen)-1] != [2]int{602, 602} {
		t.Errorf("progress %v, want several reports ending at 602 of 602", seen)
	}
	if strings.Contains(logs.String(), "cannot verify") {
		t.Errorf("the store logged what the caller reports:\n%s", logs.String())
	}

	// Without a caller's notes the store says it itself, in one line.
	logs.Reset()
	_, err = d.Import(context.Background(), strings.NewReader(unverifiableLDIF(300)), true)
	must(t, err)
	if got := strings.Count(logs.String(), "cannot verify"); got != 1 || !strings.Contains(logs.String(), "users=301") {
		t.Errorf("%d warnings, want one summary of 301 users:\n%s", got, logs.String())
	}
}

// syncBuffer is a bytes.Buffer for a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}
