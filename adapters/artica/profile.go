package artica

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
)

// editable is Artica's whitelist of attributes PUT /openldap/members/{uid}
// may change, in Artica's spelling.
var editable = []string{"givenName", "sn", "mail", "title", "telephoneNumber", "mobile"}

// updateMember answers PUT /openldap/members/{uid}: only the whitelisted
// attributes, each a string, "" removing the value. Any other key refuses
// the whole request, naming the key, and nothing changes; the accepted
// changes are applied in one modification.
func (d *Dialect) updateMember(c echo.Context) error {
	uid, err := uidParam(c)
	if err != nil {
		return d.refuse(c, "member", err)
	}
	var body map[string]json.RawMessage
	if err := decodeBody(c, &body); err != nil {
		return d.refuse(c, "member "+uid, err)
	}
	patch, err := profilePatch(body)
	if err != nil {
		return d.refuse(c, "member "+uid, err)
	}
	ctx := c.Request().Context()
	if patch.IsEmpty() {
		// Nothing to change: still answer for the member as Artica would.
		if _, err := d.domain.GetUser(ctx, d.caller(c), directory.ByName(uid)); err != nil {
			return d.failErr(c, "member "+uid, err)
		}
		return d.done(c, "")
	}
	if _, err := d.domain.UpdateUser(ctx, d.caller(c), directory.ByName(uid), patch); err != nil {
		return d.failErr(c, "member "+uid, err)
	}
	return d.done(c, "")
}

// profilePatch turns the body into a patch, refusing keys outside the
// whitelist (compared ignoring case, as LDAP attribute names are), a key
// given twice, and values that are not strings.
func profilePatch(body map[string]json.RawMessage) (directory.UserPatch, error) {
	var p directory.UserPatch
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys) // name the same offender every time
	seen := map[string]bool{}
	for _, key := range keys {
		i := slices.IndexFunc(editable, func(a string) bool { return strings.EqualFold(a, key) })
		if i < 0 {
			return p, badRequest("attribute %q cannot be modified: only %s may be", key, strings.Join(editable, ", "))
		}
		attr := editable[i]
		if seen[attr] {
			return p, badRequest("attribute %s is given twice", attr)
		}
		seen[attr] = true
		var v *string
		if err := json.Unmarshal(body[key], &v); err != nil || v == nil {
			return p, badRequest("attribute %s must be a string", key)
		}
		value := strings.TrimSpace(*v)
		switch attr {
		case "givenName":
			p.GivenName = &value
		case "sn":
			p.Surname = &value
		case "mail":
			p.Mail = &value
		case "title":
			p.Title = &value
		case "telephoneNumber":
			p.Telephone = &value
		case "mobile":
			mobile := []string{}
			if value != "" {
				mobile = []string{value}
			}
			p.Mobile = &mobile
		default:
			return p, fmt.Errorf("whitelisted attribute %s has no mapping", attr)
		}
	}
	return p, nil
}
