package identity

import (
	"strings"
	"testing"
)

func TestHomeNameIsPortableASCII(t *testing.T) {
	cases := map[string]string{
		"jdupont":    "jdupont",
		"j.dupont-2": "j.dupont-2",
		"j_doe":      "j_doe",
		"wördy":      "xn--wrdy-5qa",
		"jürgen":     "xn--jrgen-kva",
		"a/b":        "a_b-c14cddc0",
		"..":         "_..-5ec1f7e7",
		`x*(y)\z`:    "x__y__z-c2347f2d",
	}
	for in, want := range cases {
		if got := homeName(in, false); got != want {
			t.Errorf("homeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHomeNamesAreUnique: names that differ only in characters a path
// cannot hold get different homes, and the portable one keeps its own.
func TestHomeNamesAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"j_doe", "j@doe", "j:doe", "j doe", "j+doe", "j/doe", "j\\doe", "J@doe"} {
		home := homeName(name, false)
		if other, dup := seen[home]; dup {
			t.Errorf("%q and %q both get the home %q", name, other, home)
		}
		seen[home] = name
		if strings.ContainsAny(home, "@: +/\\") {
			t.Errorf("homeName(%q) = %q holds a character that is not portable", name, home)
		}
	}
	if got := homeName("j_doe", false); got != "j_doe" {
		t.Errorf("a portable name's home changed: %q", got)
	}
}
