// Package privacyideatest is the privacyIDEA dialect's behaviour as a
// client sees it, written once and run twice: by the adapter's unit tests
// on the embedded backend, and by the end-to-end tests on the built binary
// and a real slapd. Each harness sets up the Fixture and says how to read
// the directory; Run does the rest.
package privacyideatest

import "testing"

// The fixture every harness sets up, in domain example.com:
//
//	ou=people,dc=example,dc=com    resolver "people",   editable,     realm "corp" (the default realm)
//	ou=sales,dc=example,dc=com     resolver "sales",    editable,     realm "sales"
//	ou=partners,dc=example,dc=com  resolver "partners", not editable, realm "partners"
//	cn=pi-admins,ou=groups,...     the admin group
//
// Accounts: Admin (in ou=people, a member of pi-admins), RealmAdmin (in
// ou=people, an admin by its DN, RealmAdminDN, under admins.dns, whose
// only policy is every action in realm "sales"), Partner (a plain user in
// ou=partners). Admin's policy allows every action everywhere.
const (
	Base          = "dc=example,dc=com"
	PeopleDN      = "ou=people," + Base
	SalesDN       = "ou=sales," + Base
	PartnersDN    = "ou=partners," + Base
	GroupsDN      = "ou=groups," + Base
	AdminGroup    = "pi-admins"
	Realm         = "corp"
	Resolver      = "people"
	SalesRealm    = "sales"
	SalesResolver = "sales"
	ReadOnly      = "partners" // realm and resolver
	RealmAdminDN  = "uid=salesadmin," + PeopleDN
	// Secret is the JWT secret the harness configures; the suite forges
	// tokens with it (an expired one).
	Secret = "privacyidea-test-secret-0123456789"
)

// Account is a directory user with its password.
type Account struct {
	Username string
	Password string
}

// The fixture's accounts.
var (
	Admin      = Account{Username: "piadmin", Password: "Admin-Pw-1"}
	RealmAdmin = Account{Username: "salesadmin", Password: "Sales-Pw-1"}
	Partner    = Account{Username: "pat", Password: "Partner-Pw-1"}
)

// Policies is the fixture's admin policies, as configuration data.
func Policies() []map[string]any {
	all := []string{"userlist", "adduser", "updateuser", "deleteuser"}
	return []map[string]any{
		{"name": "everything", "admins": []string{Admin.Username}, "actions": all},
		{"name": "salesdesk", "admins": []string{RealmAdmin.Username}, "realms": []string{SalesRealm}, "actions": all},
	}
}

// Entry is what the suite reads back from the directory.
type Entry struct {
	DN        string
	Username  string
	GivenName string
	Surname   string
	Mail      string
	Mobile    []string
	UIDNumber int64
}

// Directory reads the directory behind dirgate, not through it.
type Directory interface {
	// User returns the user of that username anywhere in the domain, or
	// nil.
	User(t *testing.T, username string) *Entry
}

// Env is a running dialect.
type Env struct {
	// URL is where the dialect's routes are (…/auth, …/user).
	URL string
	Dir Directory
	// Output returns what dirgate logged so far ("" when the harness
	// cannot tell); no password may appear in it.
	Output func() string
}
