package ldap

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// profile says how one kind of server stores the model. Everything that
// is a name lives in attrs and classes, which the configuration may
// override; the few behaviours that differ between servers are hooks,
// which reach the directory only through hookHost; the ways a server
// departs from the standard that need no code of their own are quirks.
type profile struct {
	name    string
	attrs   attrMap
	classes classSet
	// Hooks.
	account   accountPolicy
	passwords passwordSetter
	ids       idCodec
	// usernameMax is the longest username the server takes (0 = no limit).
	usernameMax int
	// counters: the profile keeps uid/gid counters (dirgateCounter
	// entries, or where counterAt says).
	counters bool

	// Optional hooks; nil means the LDAP standard way.
	//
	// addAttrs returns attributes a new entry of a kind (kindUser,
	// kindGroup, kindOU) named name needs beyond the mapped ones (AD: the
	// groupType of a group).
	addAttrs func(kind, name string) []ldap.Attribute
	// memberValues returns every value of a group's member attribute,
	// given the group entry as read (AD hands out large groups in ranges,
	// member;range=0-1499, that must be fetched one after the other).
	memberValues func(ctx context.Context, d hookHost, group *ldap.Entry, attr string) ([]string, error)
	// groups replaces the configured group model (AD has one of its own).
	groups groupModel
	// checkName refuses a name the server cannot store, before writing
	// (AD: sAMAccountName's length and characters).
	checkName func(kind, name string) error
	// addError classifies a refused add before the generic mapping; nil
	// when it has no special meaning.
	addError func(err error, what, name string) error
	// counterAt says where the kind's uid/gid counter lives when it is an
	// attribute of an existing entry (AD's msSFU30 counters) rather than a
	// dirgateCounter entry of its own.
	counterAt func(ctx context.Context, d hookHost, kind directory.IDKind) (dn, attr string, err error)
	// importer replaces the LDIF import of entries (AD: only the
	// attributes dirgate manages, random passwords, members last). It is
	// the one hook given the whole *Directory: an import is the backend's
	// write path run entry by entry.
	importer func(d *Directory, replace bool) entryImporter
	// ouProtection adds protection the server enforces itself (AD's
	// deny-delete ACE) to dirgate's protected marker.
	ouProtection ouProtector

	quirks quirks
}

// quirks are the ways a server departs from the LDAP standard that the
// backend's core works around: switches and values, no code. The zero
// value is the standard (OpenLDAP) way; the AD profile sets most of them.
type quirks struct {
	// notUser is a class that keeps an entry of the user class from
	// being a user (AD: computer, a subclass of user).
	notUser string
	// otherMobile holds the mobile numbers after the first where the
	// mobile attribute is single-valued (AD: mobile + otherMobile).
	otherMobile string
	// userRDN and groupRDN are the model keys of the attribute naming users
	// and groups in their DN ("" = the username and the group name). AD
	// names both by cn, which then holds the name too.
	userRDN, groupRDN string
	// optionalNames: cn and sn are not mandatory (inetOrgPerson makes them
	// so), so a user without a display name or surname gets none.
	optionalNames bool
	// domainNames: the server keeps usernames and group names unique in
	// one namespace across the whole domain (AD's sAMAccountName), so a
	// name is checked below the domain's root, against every kind.
	domainNames bool
	// linkedMembers: the server keeps member values right when a member is
	// renamed, moved or deleted (AD's linked attributes), and answers the
	// removal of an absent member with unwillingToPerform.
	linkedMembers bool
	// inChain: the server walks nested groups itself
	// (LDAP_MATCHING_RULE_IN_CHAIN), for indirect members and memberships.
	inChain bool
	// treeDelete: a recursive OU delete is one delete with the subtree
	// delete control; the server removes the memberships it held.
	treeDelete bool
	// maxPageSize caps the paged-results page size (AD's MaxPageSize); 0
	// means no cap.
	maxPageSize int
	// noSortedView: never ask for a sorted view (server-side sort and
	// VLV) even where the server offers one: AD sorts at most
	// MaxTempTableSize entries, and Samba ignores descending sort keys.
	noSortedView bool
	// escapeEquals: the server wants "=" escaped in DN values (AD).
	escapeEquals bool
	// foldsEdgeSpaces: the server drops spaces at the edges of substring
	// chunks (Samba): such conditions are widened on the server and
	// checked exactly on the results.
	foldsEdgeSpaces bool
	// noNUL: the server compares values cut at a NUL (Samba; slapd's
	// IA5String), so a NUL would cut them short in filters: values
	// holding one are refused.
	noNUL bool
	// ordersEverything: the server orders the values of every syntax
	// (AD), and its subschema names no matching rules to ask.
	ordersEverything bool
	// wholeSecondTimes: the server keeps times in whole seconds and
	// compares an assertion's value only to the second, ignoring its
	// fraction (Samba; it also reads a value without the timeFormat
	// fraction, 20261201000000Z, as earlier than every time). Time
	// conditions are sent as whole seconds, in timeFormat.
	wholeSecondTimes bool
	// timeFormat is how GeneralizedTime values are written ("" =
	// 20060102150405Z; AD wants a fraction).
	timeFormat string
	// exportOmitsPasswords: the server never reveals password hashes (AD's
	// unicodePwd is write-only), so an export cannot restore logons.
	exportOmitsPasswords bool
}

// hookHost is what a profile's hooks may ask of the directory: read,
// search and change entries on the service account's connections, and a
// few facts of the configuration and the server. *Directory is the one
// host; hooks get this narrower view so that they stay out of the core's
// state (pools, views, caches, the profile itself).
type hookHost interface {
	readEntry(ctx context.Context, dn, filter string, attrs []string) (*ldap.Entry, error)
	searchFew(ctx context.Context, base, filter string, attrs []string, limit int) ([]*ldap.Entry, error)
	modify(ctx context.Context, dn string, changes []ldap.Change, controls ...ldap.Control) error
	// domainDN is the DN of the domain the server holds.
	domainDN(ctx context.Context) (string, error)
	// attr is the LDAP attribute of a model key ("" = not stored).
	attr(key string) string
	// configuredCountersDN is the countersDN setting ("" = not set).
	configuredCountersDN() string
	logger() *slog.Logger
}

var _ hookHost = (*Directory)(nil)

func (d *Directory) attr(key string) string       { return d.attrs.get(key) }
func (d *Directory) configuredCountersDN() string { return d.cfg.CountersDN }
func (d *Directory) logger() *slog.Logger         { return d.log }

// profiles maps the configuration's `profile` to a constructor.
var profiles = map[string]func() *profile{
	"openldap": openLDAPProfile,
	"ad":       adProfile,
}

func profileNames() []string { return slices.Sorted(maps.Keys(profiles)) }

// Model attribute names: the keys of the attribute map. A key maps to the
// LDAP attribute holding that part of the model; "" means the directory
// has none.
const (
	// Every entry.
	attrID       = "id"       // stable id (entryUUID)
	attrDN       = "dn"       // an attribute filters can match the DN with (entryDN)
	attrCreated  = "created"  // createTimestamp
	attrModified = "modified" // modifyTimestamp
	attrDesc     = "description"
	attrSystem   = "system"
	attrExtID    = "externalId"
	// Users.
	attrUsername       = "username"
	attrCommonName     = "commonName"
	attrGivenName      = "givenName"
	attrSurname        = "surname"
	attrDisplayName    = "displayName"
	attrMail           = "mail"
	attrTelephone      = "telephone"
	attrMobile         = "mobile"
	attrTitle          = "title"
	attrUIDNumber      = "uidNumber"
	attrGIDNumber      = "gidNumber"
	attrHomeDirectory  = "homeDirectory"
	attrLoginShell     = "loginShell"
	attrPrincipalName  = "userPrincipalName"
	attrInvitePending  = "invitationPending"
	attrInviteExpiry   = "invitationExpiry"
	attrPassword       = "password"
	attrGroupName      = "groupName"
	attrMember         = "member"
	attrMemberUID      = "memberUid"
	attrOUName         = "ouName"
	attrStreet         = "street"
	attrCity           = "city"
	attrState          = "state"
	attrPostalCode     = "postalCode"
	attrCountry        = "country"
	attrProtected      = "protected"
	attrCounter        = "counterValue"
	attrHasSubordinate = "hasSubordinates"
	// memberOf is an attribute the server keeps on every member of a
	// group, groups included, naming the groups holding it (the memberof
	// overlay's memberOf, AD's backlink); "" = not kept, or not known to
	// be complete. A nested walk stops at groups without it.
	attrMemberOf = "memberOf"
)

// attrMap maps model attribute names to LDAP attribute names.
type attrMap map[string]string

// get returns the LDAP attribute for a model name ("" = not stored).
func (m attrMap) get(key string) string { return m[key] }

func (m attrMap) names() []string { return slices.Sorted(maps.Keys(m)) }

// with returns a copy with overrides applied.
func (m attrMap) with(over map[string]string) attrMap {
	out := maps.Clone(m)
	for k, v := range over {
		out[k] = v
	}
	return out
}

// Entry kinds, the keys of the objectClasses configuration.
const (
	kindUser  = "user"
	kindGroup = "group"
	kindOU    = "ou"
)

// classSet names the object classes of new entries. The first class of
// users, groups and OUs (after "top") is the one searches select by.
type classSet struct {
	user      []string // every user
	posixUser []string // added to users with a uidNumber
	ou        []string
	counter   string
	// group classes come from the group model unless configured.
	group []string
}

// selector returns the class that identifies entries of a list.
func selector(classes []string) string {
	for _, c := range classes {
		if !strings.EqualFold(c, "top") {
			return c
		}
	}
	return "top"
}

// accountPolicy is where account state lives: enabled, locked,
// must-change. OpenLDAP keeps it in the ppolicy overlay's attributes; AD
// in userAccountControl, lockoutTime and pwdLastSet.
type accountPolicy interface {
	// attributes lists what state reads from a user entry.
	attributes() []string
	// load reads the server's lockout policy (threshold, duration); it is
	// called after connecting and may fail when the server is down.
	load(ctx context.Context, d hookHost) error
	// threshold is the lockout threshold load found (0 = no lockout).
	threshold() int
	// state fills Enabled, Lock and MustChangePassword from an entry.
	state(e *ldap.Entry, u *directory.User, now time.Time)
	// create returns the attributes of a new user's initial state.
	create(nu directory.NewUser) []ldap.Attribute
	// setEnabled returns the changes enabling or disabling the user of e
	// (none when it already is).
	setEnabled(e *ldap.Entry, enabled bool) []ldap.Change
	// unlock returns the changes clearing a temporary lock and the failure
	// count of e, and the controls they need (the preferred form first,
	// then a fallback for servers that refuse it).
	unlock(e *ldap.Entry) [][]ldap.Change
	unlockControls() []ldap.Control
	// setMustChange returns the changes setting or clearing must-change.
	setMustChange(e *ldap.Entry, must bool) []ldap.Change
	// afterPasswordSet returns the changes that put back the state an
	// administrator's password set cleared on the server (ppolicy unlocks
	// on a reset), given the entry before the set.
	afterPasswordSet(before *ldap.Entry, mustChange bool) []ldap.Change
	// filter compiles a condition on enabled, locked or must-change.
	filter(f directory.Field, v bool, now time.Time) (string, bool)
	// bindControls are sent with a verification bind; verify classifies
	// its outcome for a user whose state before the bind is u.
	bindControls() []ldap.Control
	verify(u *directory.User, bindErr error, resp []ldap.Control) error
}

// ouProtector keeps, besides dirgate's protected marker, a protection the
// server enforces itself (AD: the deny-delete ACE that "Protect object from
// accidental deletion" writes).
type ouProtector interface {
	// attributes are what reading an OU's protection needs, and controls
	// the search controls that go with them.
	attributes() []string
	controls() []ldap.Control
	// protected reports whether an OU read with them carries it.
	protected(e *ldap.Entry) bool
	// protect adds it to the OU at dn.
	protect(ctx context.Context, d hookHost, dn string) error
}

// passwordSetter sets passwords: OpenLDAP with the RFC 3062 Password
// Modify operation (the server hashes); AD by writing unicodePwd.
type passwordSetter interface {
	// set sets dn's password as an administrator, on a service connection.
	set(c *conn, dn, password string) error
	// change changes the password of the user c is bound as.
	change(c *conn, dn, oldPassword, newPassword string) error
}

// idCodec renders the stable id: entryUUID text on OpenLDAP, objectGUID
// bytes on AD.
type idCodec interface {
	// decode returns the id of an entry ("" when it has none).
	decode(e *ldap.Entry, attr string) string
	// assertion returns the escaped filter value matching id, or false
	// when id cannot be one.
	assertion(id string) (string, bool)
}
