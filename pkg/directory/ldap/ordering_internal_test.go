package ldap

import (
	"errors"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// openLDAPOrderingSample holds attribute types as slapd 2.5 publishes them
// in cn=Subschema (and dirgateExternalId as the dirgate.schema before
// ORDERING was added to it has it, under a name of its own).
var openLDAPOrderingSample = []string{
	"( 2.5.4.41 NAME 'name' DESC 'RFC4519: common supertype of name attributes' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{32768} )",
	"( 2.5.4.3 NAME ( 'cn' 'commonName' ) DESC 'RFC4519: common name(s) for which the entity is known by' SUP name )",
	"( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' ) DESC 'RFC4519: user identifier' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} )",
	"( 0.9.2342.19200300.100.1.3 NAME ( 'mail' 'rfc822Mailbox' ) DESC 'RFC1274: RFC822 Mailbox' EQUALITY caseIgnoreIA5Match SUBSTR caseIgnoreIA5SubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.26{256} )",
	"( 1.3.6.1.1.1.1.0 NAME 'uidNumber' DESC 'RFC2307: An integer uniquely identifying a user in an administrative domain' EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
	"( 1.3.6.1.1.1.1.1 NAME 'gidNumber' DESC 'RFC2307: An integer uniquely identifying a group in an administrative domain' EQUALITY integerMatch ORDERING integerOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
	"( 2.5.18.1 NAME 'createTimestamp' DESC 'RFC4512: time which object was created' EQUALITY generalizedTimeMatch ORDERING generalizedTimeOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.24 SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation )",
	"( 2.5.18.2 NAME 'modifyTimestamp' DESC 'RFC4512: time which object was last modified' EQUALITY generalizedTimeMatch ORDERING generalizedTimeOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.24 SINGLE-VALUE NO-USER-MODIFICATION USAGE directoryOperation )",
	"( 2.16.840.1.113730.3.1.3 NAME 'employeeNumber' DESC 'RFC2798: numerically identifies an employee within an organization' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )",
	"( 2.5.4.46 NAME 'dnQualifier' DESC 'RFC2256: DN qualifier' EQUALITY caseIgnoreMatch ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.44 )",
	"( 2.25.294653023106200454430598455515463246046.1.5 NAME 'dirgatePrincipalName' DESC 'dirgate: the userPrincipalName of a user (user@realm)' EQUALITY caseIgnoreMatch ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} SINGLE-VALUE )",
	"( 2.25.294653023106200454430598455515463246046.1.6 NAME 'dirgateExternalId' DESC 'dirgate: the id of a user or group in an external system' EQUALITY caseIgnoreMatch ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} SINGLE-VALUE )",
	"( 9.9.1 NAME 'oldExternalId' DESC 'dirgate: the id of a user or group in an external system' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{256} SINGLE-VALUE )",
	// The words of a DESC are not keywords; a SUP chain inherits.
	"( 9.9.2 NAME 'tricky' DESC 'has no ORDERING rule' SUP uid )",
	"( 9.9.3 NAME ( 'sub' ) SUP dnQualifier )",
	"( 9.9.4 NAME 'subOfSub' SUP 9.9.3 )",
	"( 9.9.5 NAME 'loopA' SUP loopB )",
	"( 9.9.6 NAME 'loopB' SUP loopA )",
	"( 9.9.7 NAME 'unterminated DESC 'x' ORDERING",
	"garbage",
}

func TestParseOrderingRules(t *testing.T) {
	r := parseOrderingRules(openLDAPOrderingSample)
	for attr, want := range map[string]bool{
		"uidNumber": true, "GIDNUMBER": true, "1.3.6.1.1.1.1.0": true,
		"createTimestamp": true, "modifyTimestamp": true,
		"dirgateExternalId": true, "dirgatePrincipalName": true, "dnQualifier": true,
		"sub": true, "subOfSub": true,
		"uid": false, "userid": false, "cn": false, "commonName": false, "name": false, "mail": false,
		"employeeNumber": false, "oldExternalId": false, "tricky": false, "loopA": false,
		"noSuchAttribute": false,
	} {
		if got := r.orders(attr); got != want {
			t.Errorf("orders(%s) = %v, want %v", attr, got, want)
		}
	}
	var none *orderingRules
	if none.orders("uidNumber") {
		t.Error("no rules read, yet uidNumber orders")
	}
	if !(&orderingRules{all: true}).orders("sAMAccountName") {
		t.Error("a server that orders everything does not order sAMAccountName")
	}
}

// A directory whose schema predates dirgate's ORDERING rules (or an
// attribute without one) refuses the condition instead of sending it.
func TestOrderingRefusedWithoutARule(t *testing.T) {
	d := testDirectory("employeeNumber")
	rules := parseOrderingRules(openLDAPOrderingSample)
	for _, f := range []directory.Filter{
		directory.AtLeast(directory.AttributeField("employeeNumber"), "5"),
		directory.Or{directory.Present(directory.FieldMail), directory.AtMost(directory.AttributeField("employeeNumber"), "5")},
	} {
		fc := &filterCompiler{d: d, fields: userFieldKeys, ordering: rules}
		if got, err := fc.compile(f); err == nil {
			t.Errorf("compile(%v) = %s, want an error", f, got)
		} else if !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("compile(%v): %v, want ErrInvalidInput", f, err)
		}
	}
	// Without the rules read at all, nothing orders.
	fc := &filterCompiler{d: d, fields: userFieldKeys}
	if _, err := fc.compile(directory.AtLeast(directory.FieldUIDNumber, "5")); !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("compile without rules: %v, want ErrInvalidInput", err)
	}
}

// The rules slapd publishes: what OpenLDAP's standard schema and
// dirgate.schema order, and what they do not. A search ordering by an
// attribute without a rule is refused, not sent (slapd would answer it
// with an empty result).
func TestOrderingRulesOfSlapd(t *testing.T) {
	d := openOnPrivateSlapd(t, func(c *Config) { c.ExtraAttributes = []string{"employeeNumber"} })
	r, err := d.orderingRules(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for attr, want := range map[string]bool{
		"uidNumber": true, "gidNumber": true, "createTimestamp": true, "modifyTimestamp": true,
		"dirgateExternalId": true, "dirgatePrincipalName": true,
		"uid": false, "cn": false, "sn": false, "givenName": false, "displayName": false, "mail": false,
		"title": false, "description": false, "telephoneNumber": false, "mobile": false,
		"employeeNumber": false,
	} {
		if got := r.orders(attr); got != want {
			t.Errorf("slapd: orders(%s) = %v, want %v", attr, got, want)
		}
	}
	if again, _ := d.orderingRules(t.Context()); again != r {
		t.Error("the rules were read twice")
	}
	for _, f := range []directory.Filter{
		directory.AtLeast(directory.AttributeField("employeeNumber"), "5"),
		directory.Not{Filter: directory.AtMost(directory.AttributeField("employeeNumber"), "5")},
	} {
		_, err := d.SearchUsers(t.Context(), directory.Query{Filter: f})
		if !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("SearchUsers(%v): %v, want ErrInvalidInput", f, err)
		}
	}
	if _, err := d.SearchUsers(t.Context(), directory.Query{Filter: directory.AtLeast(directory.FieldUIDNumber, "1")}); err != nil {
		t.Errorf("SearchUsers(uidNumber atLeast 1): %v", err)
	}
}
