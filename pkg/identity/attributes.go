package identity

import (
	"slices"
	"strings"
)

// powerAttributes grant rights or break the account model; no
// configuration may open them as extra attributes (AD-web customAttributes
// and the like).
var powerAttributes = []string{
	"objectclass", "useraccountcontrol", "unicodepwd", "userpassword", "memberof", "member",
	"admincount", "ntsecuritydescriptor", "objectsid", "sidhistory", "primarygroupid",
	"objectguid", "entryuuid", "distinguishedname", "samaccountname", "uid", "uidnumber",
	"gidnumber", "memberuid", "pwdlastset", "lockouttime", "pwdaccountlockedtime", "pwdreset",
	"pwdpolicysubentry", "pwdfailuretime", "serviceprincipalname", "msds-allowedtodelegateto",
	"msds-allowedtoactonbehalfofotheridentity", "useraccountcontrol", "accountexpires",
	"scriptpath", "homedirectory", "unixhomedirectory", "loginshell", "iscriticalsystemobject",
	"msds-keycredentiallink", "altsecurityidentities", "creatorsid", "grouptype",
}

// IsPowerAttribute reports whether an attribute may never be set as an
// extra attribute.
func IsPowerAttribute(name string) bool {
	name = strings.ToLower(name)
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i] // options such as ;binary or ;range= do not change the attribute
	}
	return slices.Contains(powerAttributes, name)
}

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
