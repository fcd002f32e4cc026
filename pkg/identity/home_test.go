package identity

import "testing"

func TestHomeNameIsPortableASCII(t *testing.T) {
	cases := map[string]string{
		"jdupont":    "jdupont",
		"j.dupont-2": "j.dupont-2",
		"wördy":      "xn--wrdy-5qa",
		"jürgen":     "xn--jrgen-kva",
		"a/b":        "a_b",
		"..":         "_..",
		`x*(y)\z`:    "x__y__z",
	}
	for in, want := range cases {
		if got := homeName(in); got != want {
			t.Errorf("homeName(%q) = %q, want %q", in, got, want)
		}
	}
}
