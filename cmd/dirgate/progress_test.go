package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 30000: "30,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestProgressIsQuietOffATerminal: to a buffer or a file no bar is
// drawn, however long the operation runs.
func TestProgressIsQuietOffATerminal(t *testing.T) {
	defer func(d time.Duration) { progressAfter = d }(progressAfter)
	progressAfter = 0
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var buf bytes.Buffer
	for _, w := range []interface{ Write([]byte) (int, error) }{&buf, file} {
		ctx, done := withProgress(context.Background(), w, "importing")
		for i := range 10 {
			directory.ReportProgress(ctx, i, 10)
		}
		done()
	}
	if info, _ := file.Stat(); buf.Len() != 0 || info.Size() != 0 {
		t.Errorf("progress written off a terminal: %q, %d bytes to a file", buf.String(), info.Size())
	}
}
