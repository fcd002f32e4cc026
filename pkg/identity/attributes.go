package identity

import (
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// IsPowerAttribute reports whether an attribute may never be set as an
// extra attribute: it carries security (directory.IsSecurityAttribute).
func IsPowerAttribute(name string) bool { return directory.IsSecurityAttribute(name) }

// checkAttributes refuses extra attributes that grant power or that the
// backend is not configured to carry, naming the first offender.
func (d *Domain) checkAttributes(attrs map[string][]string) error {
	allowed := d.dir.Capabilities().ExtraAttributes
	for name, values := range attrs {
		if IsPowerAttribute(name) {
			return invalid(name, "this attribute cannot be set through dirgate")
		}
		if !slices.ContainsFunc(allowed, func(a string) bool { return strings.EqualFold(a, name) }) {
			return invalid(name, "is not an allowed attribute")
		}
		for _, v := range values {
			if err := checkText(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}
