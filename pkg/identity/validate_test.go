package identity

import (
	"errors"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestCheckName(t *testing.T) {
	good := []string{"jdupont", "jürgen", "wördy", `a*b(c)d\e,f=g+h<i>j#k;l"m`, strings.Repeat("x", 191)}
	for _, n := range good {
		if err := checkName("username", n, 191); err != nil {
			t.Errorf("checkName(%q) = %v", n, err)
		}
	}
	bad := []string{"", " lead", "trail ", "nul\x00byte", "tab\tinside", "\xffbad", strings.Repeat("x", 192)}
	for _, n := range bad {
		err := checkName("username", n, 191)
		if !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("checkName(%q) = %v, want ErrInvalidInput", n, err)
		}
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "username" {
			t.Errorf("checkName(%q) did not name the field: %v", n, err)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	for _, e := range []string{"", "jean.dupont@example.com", "a+b@x.io"} {
		if err := checkEmail("email", e); err != nil {
			t.Errorf("checkEmail(%q) = %v", e, err)
		}
	}
	for _, e := range []string{"nope", "Jean <j@x.com>", "a@", "@b.c", "a@b.c "} {
		if err := checkEmail("email", e); !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("checkEmail(%q) = %v, want ErrInvalidInput", e, err)
		}
	}
}

func TestPowerAttributes(t *testing.T) {
	for _, a := range []string{"userAccountControl", "UNICODEPWD", "memberOf", "objectClass", "unicodePwd;binary"} {
		if !IsPowerAttribute(a) {
			t.Errorf("%s is not refused", a)
		}
	}
	for _, a := range []string{"pager", "department", "company"} {
		if IsPowerAttribute(a) {
			t.Errorf("%s is refused", a)
		}
	}
}
