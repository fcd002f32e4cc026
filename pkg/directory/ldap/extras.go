package ldap

import (
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// extraAttributes is the allow-list of extra user attributes: the
// configured one, or, when none is configured, the profile's ordinary
// person attributes less those the attribute map already gives a model
// field (a configured {externalId: employeeNumber} keeps employeeNumber
// out of the extras).
func extraAttributes(configured []string, profile string, attrs attrMap) []string {
	if configured != nil {
		return slices.Clone(configured)
	}
	return slices.DeleteFunc(directory.DefaultExtraAttributes(profile), func(a string) bool {
		for _, mapped := range attrs {
			if strings.EqualFold(mapped, a) {
				return true
			}
		}
		return false
	})
}
