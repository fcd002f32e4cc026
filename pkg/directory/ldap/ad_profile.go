package ldap

import (
	"github.com/go-ldap/ldap/v3"
)

// adProfile is Active Directory (and Samba's AD DC): users of class user
// named cn=<username> with the username in sAMAccountName, groups of
// class group with member DNs, OUs; the id is objectGUID; account state in
// userAccountControl, lockoutTime and pwdLastSet; passwords written to
// unicodePwd over TLS only. dirgate's flags (system, invitation,
// protected) and employeeID on groups come from dirgate's AD schema
// extension (config/ad/dirgate-ad-schema.ldif). docs/backends.md explains
// every difference from the openldap profile.
func adProfile() *profile {
	return &profile{
		name: "ad",
		attrs: attrMap{
			attrID:            "objectGUID",
			attrDN:            "distinguishedName",
			attrCreated:       "whenCreated",
			attrModified:      "whenChanged",
			attrDesc:          "description",
			attrSystem:        "dirgateSystem",
			attrExtID:         "employeeID",
			attrUsername:      "sAMAccountName",
			attrCommonName:    "cn",
			attrGivenName:     "givenName",
			attrSurname:       "sn",
			attrDisplayName:   "displayName",
			attrMail:          "mail",
			attrTelephone:     "telephoneNumber",
			attrMobile:        "mobile",
			attrTitle:         "title",
			attrUIDNumber:     "uidNumber",
			attrGIDNumber:     "gidNumber",
			attrHomeDirectory: "unixHomeDirectory",
			attrLoginShell:    "loginShell",
			attrPrincipalName: "userPrincipalName",
			attrInvitePending: "dirgateInvitationPending",
			attrInviteExpiry:  "dirgateInvitationExpiry",
			attrPassword:      "unicodePwd",
			attrGroupName:     "sAMAccountName",
			attrMember:        "member",
			attrMemberUID:     "",
			attrOUName:        "ou",
			attrStreet:        "street",
			attrCity:          "l",
			attrState:         "st",
			attrPostalCode:    "postalCode",
			attrCountry:       "co",
			attrProtected:     "dirgateProtected",
			// Counters are attributes of the domain's RFC 2307 entry
			// (counterAt), not entries of their own.
			attrCounter: "",
			// AD has no hasSubordinates: an export asks every entry for
			// children.
			attrHasSubordinate: "",
			// A backlink AD keeps itself (nested walks use the in-chain
			// rule, which needs no attribute).
			attrMemberOf: "memberOf",
		},
		classes: classSet{
			// AD adds the superclasses (person, organizationalPerson)
			// itself; the RFC 2307 classes are auxiliary classes of user
			// and group in AD's schema, so uidNumber, gidNumber,
			// unixHomeDirectory and loginShell need no class of their own.
			user:  []string{"top", "user"},
			ou:    []string{"top", "organizationalUnit"},
			group: []string{"top", "group"},
		},
		account:   newADAccount(),
		passwords: unicodePwd{},
		ids:       objectGUID{},
		// sAMAccountName: "pre-Windows 2000 logon name".
		usernameMax: samUserMax,
		counters:    true,

		addAttrs:     adAddAttrs,
		memberValues: rangedMemberValues,

		groups:       adGroups{},
		checkName:    checkSAMAccountName,
		addError:     adAddError,
		counterAt:    newSFUCounters().at,
		importer:     newADImporter,
		ouProtection: denyDeleteACE{},

		quirks: quirks{
			notUser:              "computer",
			otherMobile:          "otherMobile",
			userRDN:              attrCommonName,
			groupRDN:             attrCommonName,
			optionalNames:        true,
			domainNames:          true,
			linkedMembers:        true,
			inChain:              true,
			treeDelete:           true,
			maxPageSize:          adMaxPageSize,
			noSortedView:         true,
			escapeEquals:         true,
			foldsEdgeSpaces:      true,
			noNUL:                true,
			ordersEverything:     true,
			wholeSecondTimes:     true,
			timeFormat:           adTime,
			exportOmitsPasswords: true,
		},
	}
}

// adTime is how AD writes GeneralizedTime: it refuses the value without
// a fraction of a second.
const adTime = "20060102150405.0Z"

// adMaxPageSize is AD's default MaxPageSize (lDAPAdminLimits): a larger
// page is silently cut to it.
const adMaxPageSize = 1000

// groupTypeGlobalSecurity is the groupType of a new group: a global
// security group (ADS_GROUP_TYPE_GLOBAL_GROUP | ADS_GROUP_TYPE_SECURITY_ENABLED),
// what Active Directory Users and Computers creates by default.
const groupTypeGlobalSecurity = "-2147483646"

// adAddAttrs: a new group needs its groupType (sAMAccountName is the
// mapped group name).
func adAddAttrs(kind, _ string) []ldap.Attribute {
	if kind == kindGroup {
		return []ldap.Attribute{{Type: "groupType", Vals: []string{groupTypeGlobalSecurity}}}
	}
	return nil
}

// adGroups is AD's group model: class group, members by DN in member,
// nesting; an empty group simply has no member values.
type adGroups struct{}

func (adGroups) name() string                { return "group" }
func (adGroups) nested() bool                { return true }
func (adGroups) switchesClass() bool         { return false }
func (adGroups) selectors() []string         { return []string{"group"} }
func (adGroups) classes(bool) []string       { return []string{"top", "group"} }
func (adGroups) memberAttr() string          { return attrMember }
func (adGroups) byDN() bool                  { return true }
func (adGroups) placeholder() (string, bool) { return "", false }
