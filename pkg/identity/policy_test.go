package identity

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestDefaultPolicyAcceptsTheSeedsPasswords(t *testing.T) {
	p := DefaultPasswordPolicy()
	for _, pw := range []string{"123456", "S3cr3t!", "N3wPass!", "dummy@assword", "Abcd$ssw212"} {
		if err := p.Check(pw, "biloute"); err != nil {
			t.Errorf("default policy refused %q: %v", pw, err)
		}
	}
}

func TestPolicyListsEveryProblem(t *testing.T) {
	p := PasswordPolicy{MinLength: 10, RequireUpper: true, RequireDigit: true, RequireSymbol: true, RejectPersonalInfo: true}
	err := p.Check("jdupont", "jdupont", "Jean Dupont")
	if !errors.Is(err, directory.ErrPasswordPolicy) {
		t.Fatalf("error %v does not wrap ErrPasswordPolicy", err)
	}
	var pe *PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T is not a *PolicyError", err)
	}
	want := []string{"at least 10", "upper-case", "digit", "symbol", "user's name"}
	if len(pe.Problems) != len(want) {
		t.Fatalf("problems = %q, want %d of them", pe.Problems, len(want))
	}
	for i, w := range want {
		if !strings.Contains(pe.Problems[i], w) {
			t.Errorf("problem %d = %q, want it to mention %q", i, pe.Problems[i], w)
		}
	}
}

func TestPolicyMinClassesAndPersonalParts(t *testing.T) {
	p := PasswordPolicy{MinClasses: 3, RejectPersonalInfo: true}
	if err := p.Check("alllowercase"); err == nil {
		t.Error("one class passed a 3-class rule")
	}
	if err := p.Check("Mixed-Case1"); err != nil {
		t.Errorf("four classes refused: %v", err)
	}
	// A part of the display name (three letters or more) counts, two do not.
	if err := p.Check("Xx-dupont-9", "jdupont", "Jean Dupont"); err == nil {
		t.Error("password containing the surname passed")
	}
	if err := p.Check("Jo-99-Zz!q", "jo"); err != nil {
		t.Errorf("a two-letter name blocked a password: %v", err)
	}
}

func TestPolicyRefusesNULAndInvalidUTF8(t *testing.T) {
	p := DefaultPasswordPolicy()
	for _, pw := range []string{"abc\x00defg", "abcdef\xff"} {
		if err := p.Check(pw); !errors.Is(err, directory.ErrPasswordPolicy) {
			t.Errorf("Check(%q) = %v, want a policy error", pw, err)
		}
	}
}

func TestGenerateMeetsStrictPolicies(t *testing.T) {
	policies := []PasswordPolicy{
		DefaultPasswordPolicy(),
		{MinLength: 24, RequireUpper: true, RequireLower: true, RequireDigit: true, RequireSymbol: true, MinClasses: 4},
		{MinLength: 8, MaxLength: 12, MinClasses: 3},
	}
	seen := map[string]bool{}
	for _, p := range policies {
		for range 50 {
			pw, err := p.Generate()
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Check(pw); err != nil {
				t.Fatalf("generated %q fails its own policy %+v: %v", pw, p, err)
			}
			if err := (PasswordPolicy{MinClasses: 4}).Check(pw); err != nil {
				t.Fatalf("generated %q lacks a character class: %v", pw, err)
			}
			if seen[pw] {
				t.Fatalf("generated %q twice", pw)
			}
			seen[pw] = true
		}
	}
	if _, err := (PasswordPolicy{MaxLength: 3}).Generate(); err == nil {
		t.Error("a 3-character maximum cannot hold four classes, yet Generate succeeded")
	}
}

// TestGeneratedPasswordsSurviveFormsURLsAndShells: a generated password
// typed into `curl -d password=…`, a query string or a shell command
// arrives unchanged — no +, %, !, $, quotes or other characters that a
// form body, a URL or a shell turns into something else — and never
// starts with a dash, which a command would take for an option.
func TestGeneratedPasswordsSurviveFormsURLsAndShells(t *testing.T) {
	shellSafe := regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	for range 500 {
		pw, err := DefaultPasswordPolicy().Generate()
		if err != nil {
			t.Fatal(err)
		}
		if url.QueryEscape(pw) != pw || url.PathEscape(pw) != pw {
			t.Fatalf("generated %q changes when put in a form body or URL", pw)
		}
		if form, err := url.ParseQuery("password=" + pw); err != nil || form.Get("password") != pw {
			t.Fatalf("generated %q does not survive a form body: %q %v", pw, form.Get("password"), err)
		}
		if !shellSafe.MatchString(pw) || strings.HasPrefix(pw, "-") {
			t.Fatalf("generated %q has a character a shell or command line would act on", pw)
		}
		if err := (PasswordPolicy{MinLength: 7, MinClasses: 3, RejectPersonalInfo: true}).Check(pw, "admin"); err != nil {
			t.Fatalf("generated %q fails Active Directory's complexity rule: %v", pw, err)
		}
	}
}
