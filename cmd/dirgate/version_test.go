package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/dirgate/dirgate/internal/version"
)

// TestVersionFlagAndCommandAgree: `dirgate --version` and `dirgate
// version` print the same line, naming the version.
func TestVersionFlagAndCommandAgree(t *testing.T) {
	var lines []string
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		lines = append(lines, out.String())
	}
	if lines[0] != lines[1] || !bytes.HasPrefix([]byte(lines[0]), []byte("dirgate "+version.Version+" (go")) {
		t.Errorf("version %q, --version %q", lines[0], lines[1])
	}
}
