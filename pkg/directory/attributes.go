package directory

import (
	"slices"
	"strings"
)

// Extra attributes (User.Attributes) are the attributes a user carries
// beyond the model's fields: a client such as AD-web's customAttributes
// sets them by name. Which names a backend carries is configuration
// (extraAttributes), defaulting to the ordinary attributes below; the
// security-bearing ones are refused whatever the configuration says.

// securityAttributes carry credentials, grant rights, decide who may log
// in where, run code at logon, or identify an account to another system.
// Lower case. Sources: AD's user class and its well-known abuse paths
// (delegation, shadow credentials, logon scripts, LAPS, hybrid sync
// anchors), RFC 2307 and ppolicy for OpenLDAP, Samba, Kerberos and the
// ldapns access attributes.
var securityAttributes = []string{
	// Passwords, hashes and keys.
	"userpassword", "unicodepwd", "dbcspwd", "ntpwdhistory", "lmpwdhistory", "supplementalcredentials",
	"unixuserpassword", "authpassword", "userpkcs12", "orclcommonattribute",
	// Account state and logon restrictions.
	"useraccountcontrol", "pwdlastset", "lockouttime", "badpwdcount", "badpasswordtime", "accountexpires",
	"logonhours", "userworkstations", "lastlogon", "lastlogontimestamp", "logoncount",
	// Identity, naming and the entry itself: renames go through the rename path.
	"objectclass", "structuralobjectclass", "objectcategory", "objectsid", "sidhistory", "objectguid",
	"entryuuid", "entrydn", "distinguishedname", "name", "cn", "uid", "samaccountname", "samaccounttype",
	"userprincipalname", "instancetype", "systemflags", "iscriticalsystemobject", "isdeleted", "isrecycled",
	"creatorsname", "modifiersname", "createtimestamp", "modifytimestamp", "whencreated", "whenchanged",
	"usnchanged", "usncreated", "entrycsn", "creatorsid",
	// Memberships and rights.
	"member", "memberof", "uniquemember", "memberuid", "primarygroupid", "grouptype", "admincount",
	"ntsecuritydescriptor", "owner", "managedby", "aci", "openldapaci", "publicdelegates",
	"tokengroups",
	// POSIX identity and shell access.
	"uidnumber", "gidnumber", "homedirectory", "unixhomedirectory", "loginshell", "host",
	"authorizedservice", "sshpublickey",
	// Kerberos, delegation, certificates and other logon mappings.
	"serviceprincipalname", "altsecurityidentities", "usercertificate", "usersmimecertificate",
	"proxyaddresses",
	// Code and paths run or mounted at logon.
	"scriptpath", "profilepath", "homedrive", "userparameters",
	// Remote access (NPS dial-in).
	"msnpallowdialin", "msnpcallingstationid", "msnpsavedcallingstationid",
}

// securityPrefixes name families of security-bearing attributes: ppolicy
// (pwd*), AD's msDS-* and mS-DS-* (delegation, key credentials, managed
// passwords, sync anchors), LAPS, Terminal Services paths, RADIUS, SFU,
// shadow, Samba, Kerberos, Exchange permissions, 389-DS and OpenDJ
// account controls, and dirgate's own bookkeeping.
var securityPrefixes = []string{
	"pwd", "msds-", "ms-ds-", "ms-mcs-", "mslaps-", "msts", "msradius", "mssfu30", "shadow", "samba", "krb",
	"msexch", "nsaccountlock", "nsrole", "ds-pwp-", "ds-privilege", "passwordretry", "dirgate",
}

// IsSecurityAttribute reports whether an attribute carries security (a
// credential, a right, a logon restriction or mapping, the entry's
// identity): it is never an extra attribute, whatever the configuration.
// Options (";binary", ";range=…") do not change the attribute.
func IsSecurityAttribute(name string) bool {
	name = strings.ToLower(name)
	if i := strings.IndexByte(name, ';'); i >= 0 {
		name = name[:i]
	}
	if slices.Contains(securityAttributes, name) {
		return true
	}
	return slices.ContainsFunc(securityPrefixes, func(p string) bool { return strings.HasPrefix(name, p) })
}

// The ordinary user attributes a backend carries when its configuration
// does not list extraAttributes: contact, address and organisation data
// of the schemas' person classes, none of them a field of the model.

// inetOrgPersonAttributes are inetOrgPerson's (RFC 2798) and
// organizationalPerson's (RFC 4519) ordinary attributes.
var inetOrgPersonAttributes = []string{
	"pager", "departmentNumber", "employeeNumber", "employeeType", "physicalDeliveryOfficeName", "manager",
	"roomNumber", "secretary", "street", "l", "st", "postalCode", "postalAddress", "postOfficeBox",
	"homePhone", "homePostalAddress", "facsimileTelephoneNumber", "initials", "businessCategory",
	"carLicense", "labeledURI", "preferredLanguage",
}

// activeDirectoryAttributes are AD's user class ordinary attributes (AD
// carries inetOrgPerson's too).
var activeDirectoryAttributes = []string{
	"pager", "department", "company", "manager", "physicalDeliveryOfficeName", "employeeID", "employeeNumber",
	"employeeType", "division", "streetAddress", "l", "st", "postalCode", "postOfficeBox", "co", "c",
	"countryCode", "homePhone", "otherTelephone", "otherMobile", "ipPhone", "facsimileTelephoneNumber", "info",
	"wWWHomePage", "initials", "middleName",
}

// DefaultExtraAttributes is the extra attributes a backend carries
// without configuration: "openldap" the inetOrgPerson ones, "ad" AD's,
// anything else (the embedded store, which stores any name) both.
func DefaultExtraAttributes(profile string) []string {
	switch profile {
	case "openldap":
		return slices.Clone(inetOrgPersonAttributes)
	case "ad":
		return slices.Clone(activeDirectoryAttributes)
	}
	out := slices.Clone(activeDirectoryAttributes)
	for _, a := range inetOrgPersonAttributes {
		if !slices.ContainsFunc(out, func(b string) bool { return strings.EqualFold(a, b) }) {
			out = append(out, a)
		}
	}
	return out
}
