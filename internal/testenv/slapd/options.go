package slapd

import "time"

// GroupModel selects the schema groups are stored with.
type GroupModel string

// The two group models of dirgate's OpenLDAP profile.
const (
	// GroupOfNames loads dirgate's rfc2307bis schema (posixGroup
	// AUXILIARY), so a groupOfNames carries a gidNumber and nests.
	GroupOfNames GroupModel = "groupOfNames"
	// PosixGroup loads the stock nis schema (posixGroup STRUCTURAL with
	// memberUid): Artica's layout, no nesting.
	PosixGroup GroupModel = "posixGroup"
)

// Feature is an optional part of the server's configuration. Every feature
// is on unless Options.Disable names it, so the zero Options is the setup
// dirgate is documented against.
type Feature uint

// Features.
const (
	// PasswordPolicy: the ppolicy overlay with a default policy entry
	// (lockout after Options.Lockout failures), hashing cleartext
	// userPassword values and reporting "account locked".
	PasswordPolicy Feature = 1 << iota
	// MemberOf: the memberof and refint overlays (groupOfNames model only).
	MemberOf
	// UniqueUID: the unique overlay on uid over the whole suffix, so
	// concurrent creates of one username under different parents conflict.
	UniqueUID
	// SortVLV: the sssvlv overlay (server-side sort and virtual list view).
	SortVLV
	// Argon2: the argon2 password module, so {ARGON2} hashes exported by
	// the embedded backend verify.
	Argon2
	// TLS: a private CA and server certificate (127.0.0.1, localhost),
	// an ldaps:// listener (Server.LDAPSURL) and StartTLS on ldap://.
	TLS
	// SyncProv: the syncprov overlay (RFC 4533 provider), which feeds
	// dirgate's read model (pkg/directory/readmodel). Replicated servers
	// (StartProviders) have it whatever Disable says: they replicate
	// through it.
	SyncProv
	// SortVals: member and memberUid values kept sorted (sortvals), so
	// that adding or finding one member of a large group is a binary
	// search, not a walk of every value (docs/backends.md advises it).
	SortVals
)

// Options configures a test server. The zero value is a complete dirgate
// setup: suffix dc=example,dc=com, the groupOfNames model and every
// Feature.
type Options struct {
	// Suffix is the database suffix and base entry; default
	// "dc=example,dc=com". Its first RDN decides the base entry's class
	// (dc → dcObject+organization, o → organization, ou →
	// organizationalUnit).
	Suffix string
	// Groups is the group model; default GroupOfNames.
	Groups GroupModel
	// Disable turns features off, e.g. SortVLV to exercise the paged-scan
	// fallback.
	Disable Feature
	// Lockout is the policy's pwdMaxFailure; default 5.
	Lockout int
	// LockoutDuration is how long a lock lasts (pwdLockoutDuration, whole
	// seconds); 0 means until an administrator unlocks.
	LockoutDuration time.Duration
	// LDIF holds extra entries (content records, not changes) loaded with
	// slapadd after the base entries, before the server starts.
	LDIF string
	// RootPassword is the rootdn's password; default a random one. Servers
	// that must accept the same credentials (referrals) share one.
	RootPassword string
}

func (o Options) withDefaults() Options {
	if o.Suffix == "" {
		o.Suffix = "dc=example,dc=com"
	}
	if o.Groups == "" {
		o.Groups = GroupOfNames
	}
	if o.Lockout == 0 {
		o.Lockout = 5
	}
	return o
}

// has reports whether a feature is enabled.
func (o Options) has(f Feature) bool { return o.Disable&f == 0 }
