package directory

import "time"

// LockReason says why an account is locked.
type LockReason string

// Lock reasons.
const (
	LockNone LockReason = ""
	// LockManual: an administrator locked the account (not the same as
	// disabled: a lock is temporary by nature).
	LockManual LockReason = "manual"
	// LockTooManyFailures: the directory locked the account after repeated
	// failed logons.
	LockTooManyFailures LockReason = "tooManyFailedLogons"
)

// LockState is the temporary lock of an account.
type LockState struct {
	Locked bool
	Reason LockReason
	// Since is when the lock started; zero when the directory does not say.
	Since time.Time
	// Until is when a temporary lock ends by itself; zero when it does not
	// end by itself or the directory does not say.
	Until time.Time
}

// User is an account in the directory.
type User struct {
	// ID is stable across renames and moves: entryUUID on OpenLDAP,
	// objectGUID on Active Directory, a UUID in the embedded backend.
	ID string
	DN string
	// Username is the login name: uid on OpenLDAP, sAMAccountName on AD.
	Username string
	// UIDNumber and GIDNumber are the POSIX numbers; 0 means unset.
	UIDNumber int64
	GIDNumber int64

	GivenName         string
	Surname           string
	DisplayName       string
	Mail              string
	Telephone         string
	Mobile            []string
	Title             string
	Description       string
	UserPrincipalName string
	HomeDirectory     string
	ExternalID        string

	// Enabled is false when an administrator disabled the account.
	Enabled bool
	Lock    LockState
	// MustChangePassword: the next logon must change the password first.
	MustChangePassword bool

	// InvitationPending: the user was invited and has not accepted yet; such
	// a user is created disabled. InvitationExpiry is when the invitation
	// lapses (zero when there is none).
	InvitationPending bool
	InvitationExpiry  time.Time

	// System marks accounts that dirgate or the directory manages for itself
	// (service accounts); they are listed but not meant for people.
	System bool

	Created  time.Time
	Modified time.Time

	// Attributes holds the extra attributes the backend is configured to
	// carry (its allow-list), by attribute name, as the directory stores
	// them.
	Attributes map[string][]string
}

// Active reports whether the user may log on: enabled and not locked.
func (u *User) Active() bool { return u.Enabled && !u.Lock.Locked }

// NewUser is what CreateUser needs. Zero values mean "not set".
type NewUser struct {
	// ParentDN is the container (OU) the user is created in; it must exist.
	ParentDN string
	Username string
	// UIDNumber and GIDNumber: the core allocates them; backends store what
	// they are given (0 = none).
	UIDNumber int64
	GIDNumber int64

	GivenName         string
	Surname           string
	DisplayName       string
	Mail              string
	Telephone         string
	Mobile            []string
	Title             string
	Description       string
	UserPrincipalName string
	HomeDirectory     string
	ExternalID        string

	// Password, when not empty, is set at creation (hashed by the backend or
	// the server, never stored in clear).
	Password           string
	MustChangePassword bool
	// Disabled creates the account disabled.
	Disabled          bool
	InvitationPending bool
	InvitationExpiry  time.Time
	System            bool

	Attributes map[string][]string
}

// UserPatch changes some fields of a user. A nil pointer leaves a field as
// it is; a pointer to "" (or an empty slice) removes the value. Renames and
// moves are separate operations because they change the DN.
type UserPatch struct {
	UIDNumber         *int64
	GIDNumber         *int64
	GivenName         *string
	Surname           *string
	DisplayName       *string
	Mail              *string
	Telephone         *string
	Mobile            *[]string
	Title             *string
	Description       *string
	UserPrincipalName *string
	HomeDirectory     *string
	ExternalID        *string
	InvitationPending *bool
	InvitationExpiry  *time.Time
	System            *bool

	// Attributes replaces each named extra attribute; an empty slice removes
	// it. Attributes not named are left alone.
	Attributes map[string][]string
}

// IsEmpty reports whether the patch changes nothing.
func (p UserPatch) IsEmpty() bool {
	return p.UIDNumber == nil && p.GIDNumber == nil && p.GivenName == nil && p.Surname == nil &&
		p.DisplayName == nil && p.Mail == nil && p.Telephone == nil && p.Mobile == nil &&
		p.Title == nil && p.Description == nil && p.UserPrincipalName == nil &&
		p.HomeDirectory == nil && p.ExternalID == nil && p.InvitationPending == nil &&
		p.InvitationExpiry == nil && p.System == nil && len(p.Attributes) == 0
}

// Ptr returns a pointer to v; it keeps patches short to write.
func Ptr[T any](v T) *T { return &v }
