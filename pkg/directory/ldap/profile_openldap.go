package ldap

import (
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/google/uuid"
)

// openLDAPProfile is the layout of docs/design/ldap-layout.md: inetOrgPerson
// + posixAccount + shadowAccount users, dirgate's schema for what the
// standard schemas lack, account state in the ppolicy overlay.
func openLDAPProfile() *profile {
	return &profile{
		name: "openldap",
		attrs: attrMap{
			attrID:             "entryUUID",
			attrDN:             "entryDN",
			attrCreated:        "createTimestamp",
			attrModified:       "modifyTimestamp",
			attrDesc:           "description",
			attrSystem:         "dirgateSystem",
			attrExtID:          "dirgateExternalId",
			attrUsername:       "uid",
			attrCommonName:     "cn",
			attrGivenName:      "givenName",
			attrSurname:        "sn",
			attrDisplayName:    "displayName",
			attrMail:           "mail",
			attrTelephone:      "telephoneNumber",
			attrMobile:         "mobile",
			attrTitle:          "title",
			attrUIDNumber:      "uidNumber",
			attrGIDNumber:      "gidNumber",
			attrHomeDirectory:  "homeDirectory",
			attrLoginShell:     "loginShell",
			attrPrincipalName:  "dirgatePrincipalName",
			attrInvitePending:  "dirgateInvitationPending",
			attrInviteExpiry:   "dirgateInvitationExpiry",
			attrPassword:       "userPassword",
			attrGroupName:      "cn",
			attrMember:         "member",
			attrMemberUID:      "memberUid",
			attrOUName:         "ou",
			attrStreet:         "street",
			attrCity:           "l",
			attrState:          "st",
			attrPostalCode:     "postalCode",
			attrCountry:        "co",
			attrProtected:      "dirgateProtected",
			attrCounter:        "dirgateNextId",
			attrHasSubordinate: "hasSubordinates",
			// The memberof overlay is optional (schema/openldap/README.md)
			// and slapadd bypasses it: only the configuration can say
			// memberOf is complete.
			attrMemberOf: "",
		},
		classes: classSet{
			user:      []string{"top", "inetOrgPerson", "dirgateObject"},
			posixUser: []string{"posixAccount", "shadowAccount"},
			ou:        []string{"top", "organizationalUnit", "dirgateObject"},
			counter:   "dirgateCounter",
		},
		account:   newPPolicy(),
		passwords: passwordModify{},
		ids:       uuidText{},
		counters:  true,
		quirks: quirks{
			// slapd compares IA5String values (mail, homeDirectory) as C
			// strings: (mail=alice@example.com\00x) matches alice, and
			// (mail=*\00*) every mail. A value with NUL is refused
			// rather than matched short.
			noNUL: true,
		},
	}
}

// uuidText is entryUUID: a UUID in its text form.
type uuidText struct{}

func (uuidText) decode(e *ldap.Entry, attr string) string {
	return strings.ToLower(e.GetEqualFoldAttributeValue(attr))
}

func (uuidText) assertion(id string) (string, bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	return u.String(), true // hex and dashes only: nothing to escape
}

// passwordModify sets passwords with the RFC 3062 Password Modify extended
// operation: the server hashes them with its own scheme and applies its
// password policy.
type passwordModify struct{}

func (passwordModify) set(c *conn, dn, password string) error {
	_, err := c.PasswordModify(ldap.NewPasswordModifyRequest(dn, "", password))
	return err
}

func (passwordModify) change(c *conn, _, oldPassword, newPassword string) error {
	// An empty identity means "the user this connection is bound as".
	_, err := c.PasswordModify(ldap.NewPasswordModifyRequest("", oldPassword, newPassword))
	return err
}

// extendedPasswords reports whether the profile sets passwords with the
// Password Modify operation, and so may take them in adds instead when
// the server hashes cleartext (Config.PasswordInAdd).
func (p *profile) extendedPasswords() bool {
	_, ok := p.passwords.(passwordModify)
	return ok
}

// cleartextInAdd is passwordModify for servers that hash a cleartext
// userPassword on add (ppolicy_hash_cleartext): a new user's password goes
// into the add, so the user never exists without it.
type cleartextInAdd struct {
	passwordModify
	attr string // userPassword, unless the attribute map says otherwise
}

func (p cleartextInAdd) onAdd(_ *conn, password string) (ldap.Attribute, error) {
	if password == "" {
		return ldap.Attribute{}, nil
	}
	return ldap.Attribute{Type: p.attr, Vals: []string{password}}, nil
}
