package console

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestNoInlineScriptOrStyle: the pages work under the CSP only if no
// template holds an inline script, handler or style.
func TestNoInlineScriptOrStyle(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|<script>|<style|\sstyle=|\son[a-z]+=|javascript:`)
	names, _ := fs.Glob(files, "templates/*.html")
	if len(names) == 0 {
		t.Fatal("no templates")
	}
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			t.Fatal(err)
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s: inline script or style: %q", n, m)
		}
	}
}
