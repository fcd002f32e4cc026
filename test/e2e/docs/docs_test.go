package docs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// DocumentedListen is the address the documentation's examples use: the
// quick start's default. Each page runs against its own quick start on a
// free port, and this one string is replaced by it (other tests and a
// developer's own `make run` may hold 8080). Nothing else in a block is
// changed: the credentials come from dirgate-data/initial-credentials.json
// through the very commands the pages show.
const DocumentedListen = "127.0.0.1:8080"

// block is one fenced example marked to run: ```sh run
type block struct {
	line int // where it starts in its page, for failure messages
	text string
}

var runFence = regexp.MustCompile("^```(sh|bash)[ \t]+run[ \t]*$")

// runnableBlocks returns the page's blocks marked `run`, in order.
func runnableBlocks(t *testing.T, path string) []block {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out  []block
		cur  *block
		text strings.Builder
	)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && runFence.MatchString(line):
			cur = &block{line: n}
			text.Reset()
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.text = text.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			text.WriteString(line)
			text.WriteByte('\n')
		}
	}
	if cur != nil {
		t.Fatalf("%s:%d: a run block is never closed", path, cur.line)
	}
	return out
}

// failure finds an answer that reports an error in its dialect's own way
// (HTTP errors already fail curl: --fail-with-body): Artica's and AD-web's
// envelopes, privacyIDEA's result.status, JSON-RPC and OpenAPI errors.
var failure = regexp.MustCompile(`"(success|Status|status)"\s*:\s*false|"error"\s*:`)

// harness is put before a page's blocks: curl fails on an HTTP error
// status and shows why; each block announces itself so a failure names
// the block; blocks share one shell, as a reader's terminal does.
const harness = `set -euo pipefail
curl() { command curl --fail-with-body --show-error "$@"; }
`

func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// TestDocumentedCommandsRun runs every `sh run` block of README.md and the
// dialect pages, page by page, each page against a fresh quick start: a
// walk from nothing to a full round trip, exactly as written.
func TestDocumentedCommandsRun(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: the documented commands need it", tool)
			}
			t.Skipf("%s is not installed (apt-get install -y %s): the documented commands need it", tool, tool)
		}
	}
	root := moduleRoot(t)
	pages, err := filepath.Glob(filepath.Join(root, "docs", "dialects", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{filepath.Join(root, "README.md")}, pages...)
	for _, page := range pages {
		rel, _ := filepath.Rel(root, page)
		t.Run(rel, func(t *testing.T) {
			blocks := runnableBlocks(t, page)
			if len(blocks) == 0 {
				t.Fatalf("%s has no example marked to run (```sh run): every page walks the quick start", rel)
			}
			runPage(t, rel, blocks)
		})
	}
}

func runPage(t *testing.T, rel string, blocks []block) {
	work := t.TempDir()
	p := e2eutil.Start(t, e2eutil.Options{DataDir: filepath.Join(work, "dirgate-data")})

	var script strings.Builder
	script.WriteString(harness)
	for i, b := range blocks {
		fmt.Fprintf(&script, "echo '::block %d'\n", i)
		script.WriteString(strings.ReplaceAll(b.text, DocumentedListen, p.Listen))
		script.WriteString("\necho\n")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = work
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	// Split the output by block.
	outputs := make([]string, len(blocks))
	last := -1
	for _, line := range strings.SplitAfter(stdout.String(), "\n") {
		var i int
		if _, err := fmt.Sscanf(line, "::block %d", &i); err == nil {
			last = i
			continue
		}
		if last >= 0 {
			outputs[last] += line
		}
	}
	if runErr != nil {
		at := max(last, 0)
		t.Fatalf("%s:%d: the block failed (%v):\n%s\noutput:\n%s\nstderr:\n%s",
			rel, blocks[at].line, runErr, blocks[at].text, outputs[at], stderr.String())
	}
	if last != len(blocks)-1 {
		t.Fatalf("%s: only %d of %d blocks ran", rel, last+1, len(blocks))
	}
	for i, out := range outputs {
		if m := failure.FindString(out); m != "" {
			t.Errorf("%s:%d: an answer reports an error (%s):\n%s\noutput:\n%s", rel, blocks[i].line, m, blocks[i].text, out)
		}
		if strings.TrimSpace(out) == "" && strings.Contains(blocks[i].text, "curl") {
			t.Errorf("%s:%d: the block's calls answered nothing:\n%s", rel, blocks[i].line, blocks[i].text)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("%s: %d blocks\n%s", rel, len(blocks), stdout.String())
	}
}
