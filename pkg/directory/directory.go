package directory

import (
	"context"
	"io"
	"time"
)

// Directory is the port every backend implements. Every method takes a
// context and honours its cancellation and deadline; every error wraps one
// of the sentinels in errors.go.
//
// A Directory serves one domain: one base DN, under which every DN it is
// given or returns lies. DNs it returns use the backend's own spelling;
// DNs it is given are compared by meaning (see EqualDN).
type Directory interface {
	Users
	Credentials
	Groups
	OUs
	Maintenance
}

// Users manages user entries.
type Users interface {
	// CreateUser adds a user under u.ParentDN (which must exist: else
	// ErrNotFound). A username taken anywhere under the base is
	// ErrAlreadyExists, even under concurrent creates.
	CreateUser(ctx context.Context, u NewUser) (*User, error)
	// GetUser finds a user by id, DN, username or uidNumber.
	GetUser(ctx context.Context, ref Ref) (*User, error)
	// UpdateUser applies a patch atomically and returns the new state.
	UpdateUser(ctx context.Context, ref Ref, p UserPatch) (*User, error)
	// RenameUser changes the username (and the RDN, where the username is
	// the RDN); the id stays.
	RenameUser(ctx context.Context, ref Ref, newUsername string) (*User, error)
	// MoveUser moves the user under another container; its id and group
	// memberships stay.
	MoveUser(ctx context.Context, ref Ref, newParentDN string) (*User, error)
	// DeleteUser removes the user and its group memberships.
	DeleteUser(ctx context.Context, ref Ref) error
	// SearchUsers evaluates q on the directory (never by fetching
	// everything): filter, sort, offset, limit and the total count.
	SearchUsers(ctx context.Context, q Query) (Page[User], error)
}

// Credentials manages passwords and account state.
type Credentials interface {
	// SetPassword sets a password as an administrator would (no old
	// password), optionally forcing a change at next logon.
	SetPassword(ctx context.Context, ref Ref, password string, mustChange bool) error
	// ChangePassword changes a user's own password: the old one must be
	// right (ErrInvalidCredentials otherwise). It clears must-change.
	ChangePassword(ctx context.Context, ref Ref, oldPassword, newPassword string) error
	// VerifyPassword checks a password as a logon would and returns the
	// user. A wrong password is ErrInvalidCredentials and counts as a
	// failed logon; a disabled account is ErrAccountDisabled and a locked
	// one ErrAccountLocked (whatever the password). A user who must change
	// the password is returned without error, with MustChangePassword set:
	// the caller decides what that user may do. An unknown user (then
	// ErrInvalidCredentials), a disabled and a locked account take as long
	// as a wrong password (LogonPace), here and in ChangePassword.
	VerifyPassword(ctx context.Context, ref Ref, password string) (*User, error)
	// SetEnabled enables or disables the account.
	SetEnabled(ctx context.Context, ref Ref, enabled bool) error
	// Unlock clears a temporary lock and the failed-logon count. It does
	// not enable a disabled account.
	Unlock(ctx context.Context, ref Ref) error
}

// Groups manages groups and memberships.
type Groups interface {
	CreateGroup(ctx context.Context, g NewGroup) (*Group, error)
	// GetGroup finds a group by id, DN, name or gidNumber.
	GetGroup(ctx context.Context, ref Ref) (*Group, error)
	UpdateGroup(ctx context.Context, ref Ref, p GroupPatch) (*Group, error)
	RenameGroup(ctx context.Context, ref Ref, newName string) (*Group, error)
	DeleteGroup(ctx context.Context, ref Ref) error
	SearchGroups(ctx context.Context, q Query) (Page[Group], error)

	// AddMember adds a user or group to a group; adding a present member is
	// not an error. A group cannot be a member of itself (ErrInvalidInput);
	// a backend without nesting returns ErrNotSupported for a group member.
	AddMember(ctx context.Context, group Ref, member PrincipalRef) error
	// RemoveMember removes a direct member; removing an absent member is
	// ErrNotFound.
	RemoveMember(ctx context.Context, group Ref, member PrincipalRef) error
	// Members lists a group's direct members, and with indirect also the
	// members of nested groups (each principal once, Direct when it is also
	// a direct member). Cycles end the walk, never loop.
	Members(ctx context.Context, group Ref, indirect bool) ([]Member, error)
	// MemberOf lists the groups a user or group belongs to, directly and,
	// with indirect, through nesting.
	MemberOf(ctx context.Context, member PrincipalRef, indirect bool) ([]Membership, error)
}

// OUs manages organizational units and the tree.
type OUs interface {
	CreateOU(ctx context.Context, ou NewOU) (*OU, error)
	// GetOU finds an OU by id or DN (a name is ambiguous: use Resolve).
	GetOU(ctx context.Context, ref Ref) (*OU, error)
	// ListOUs lists the OUs below base (the whole base when empty), in DN
	// order.
	ListOUs(ctx context.Context, base string, scope Scope) ([]OU, error)
	// Children lists the direct children of an entry, with their types.
	Children(ctx context.Context, dn string) ([]Entry, error)
	// DeleteOU removes an OU: ErrProtected when protected, ErrNotEmpty when
	// it has children unless recursive (then every child goes too, and
	// protection of any OU inside refuses the whole delete).
	DeleteOU(ctx context.Context, ref Ref, recursive bool) error
	// Resolve finds every user (by username), group (by name) and OU (by
	// name) called name.
	Resolve(ctx context.Context, name string) ([]Entry, error)
}

// Maintenance covers numbering, backups and the connection to the server.
type Maintenance interface {
	// Capabilities says what the backend can do.
	Capabilities() Capabilities
	// BaseDN is the root of everything this Directory manages.
	BaseDN() string
	// AllocateID returns a number from the kind's sequence inside r that was
	// never returned before, even across several dirgate processes sharing
	// the directory; numbers already used by entries are skipped.
	AllocateID(ctx context.Context, kind IDKind, r Range) (int64, error)
	// Export writes every entry under the base as LDIF (RFC 2849), parents
	// before children, and returns how many it wrote. Password hashes are
	// included so a restore restores logons; the file is a secret.
	Export(ctx context.Context, w io.Writer) (int, error)
	// Import adds the entries of an LDIF export, parents first. An entry
	// that exists is replaced by the imported one when replace is set and
	// left alone otherwise; no entry is ever deleted. It returns how many
	// entries it added and replaced.
	Import(ctx context.Context, r io.Reader, replace bool) (ImportResult, error)
	// Health checks that the directory answers and says where it is.
	Health(ctx context.Context) (Health, error)
	// Reconnect drops and re-establishes server connections (no-op for an
	// embedded store).
	Reconnect(ctx context.Context) error
	// Close releases every resource; the Directory is unusable afterwards.
	Close() error
}

// Capabilities declares what a backend does differently. The conformance
// suite skips exactly what a capability excludes and says so.
type Capabilities struct {
	// Backend names the backend and profile, e.g. "embedded",
	// "ldap/openldap", "ldap/ad".
	Backend string
	// NestedGroups: groups may be members of groups.
	NestedGroups bool
	// ProtectedOUs: DeleteOU honours OU.Protected.
	ProtectedOUs bool
	// UsernameMaxLength is the longest username the directory accepts (0 =
	// no limit of its own); AD's sAMAccountName takes at most 20.
	UsernameMaxLength int
	// LockoutThreshold: this many wrong passwords given to VerifyPassword
	// in a row lock the account (0 = the backend does not lock by itself).
	LockoutThreshold int
	// ExtraAttributes are the extra attribute names this backend is
	// configured to read and write (User.Attributes).
	ExtraAttributes []string
	// ExportOmitsPasswords: Export cannot carry password hashes (Active
	// Directory never reveals them), so an Import restores entries and
	// account state but not logons: imported users get passwords nobody
	// knows, to be set again.
	ExportOmitsPasswords bool
}

// Health is what Health reports.
type Health struct {
	Backend string
	// Server is the URL (or file) answering now.
	Server  string
	Latency time.Duration
	// Connections are the backend's pools of connections to the server,
	// each with how many are open and how many of those wait idle; none
	// for a backend that holds no connections (embedded).
	Connections []PoolConnections
	// ReadModel is the state of the domain's read model, nil without one.
	ReadModel *ReadModelHealth
}

// PoolConnections counts one pool's connections.
type PoolConnections struct {
	Pool       string
	Open, Idle int
}

// ReadModelHealth is a read model's state: whether it answers reads now,
// and how far behind the directory it is proved to be (Lag, meaningful
// while Streaming) against the bound past which reads go to the directory.
type ReadModelHealth struct {
	Serving, Streaming bool
	Lag, MaxLag        time.Duration
	// Feed names the change stream that feeds the model ("syncrepl",
	// "DirSync", "uSNChanged polling"), empty until it first connected.
	Feed string
}

// ImportResult counts what an Import wrote.
type ImportResult struct {
	// Added are entries that were not there (a restore brings back what
	// was deleted since); Replaced are existing entries overwritten with
	// the file's version (a restore undoes what changed since).
	Added    int
	Replaced int
}

// Written is how many entries the import wrote.
func (r ImportResult) Written() int { return r.Added + r.Replaced }
