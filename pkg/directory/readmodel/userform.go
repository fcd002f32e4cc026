package readmodel

import (
	"strconv"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// userForm is a user as the model keeps it: narrower than the
// directory.User the feed maps (424 bytes before its strings, most of its
// fields empty or equal to a searchable value the entry keeps anyway). A
// string field is a reference — to the entry's id or DN, or to one of its
// packed field values, whose text it then shares — and the fields most
// users leave empty (mobile numbers, a lock, an invitation's expiry,
// extra attributes) sit behind one pointer, nil when all are. A read
// rebuilds the directory.User (user), as it copied the mapped one before:
// 64 bytes inline in the entry instead of a 448-byte allocation per user
// (issue 21's memory goal).
type userForm struct {
	// refs locate the string fields of userStrings: refEmpty, refID,
	// refDN, refVal+i (the entry's packed value i) or refExtra+i (extra[i]).
	refs                 [userStrings]uint8
	flags                uint8
	uidNumber, gidNumber int64
	// created and modified are Unix seconds of times in UTC without a
	// fraction, as the directory's timestamps map (16 bytes, not 48: the
	// entry then fits the 256-byte size class); any other time, both sit
	// in rare (userRareTimes).
	created, modified int64
	extra             *[]string
	rare              *userRare
}

// userRare holds the fields few users have.
type userRare struct {
	mobile           []string
	lock             directory.LockState
	invitationExpiry time.Time
	attributes       map[string][]string
	// created and modified, where userRareTimes is set.
	created, modified time.Time
}

// References of userForm.refs.
const (
	refEmpty = 0
	refID    = 1
	refDN    = 2
	refVal   = 3
	refExtra = 128
)

// Bits of userForm.flags.
const (
	userSet uint8 = 1 << iota
	userEnabled
	userMustChange
	userInvitationPending
	userSystem
	userRareTimes
)

// userStrings is the number of directory.User's string fields that
// userForm keeps by reference (userString; TestUserForm fails if a field
// of directory.User is kept by neither these nor the rest of userForm).
const userStrings = 13

// userString returns the string field i of u. A switch, not a table of
// functions: through a function value the compiler cannot see that u
// stays on the stack, and each read would allocate the User.
func userString(u *directory.User, i int) *string {
	switch i {
	case 0:
		return &u.ID
	case 1:
		return &u.DN
	case 2:
		return &u.Username
	case 3:
		return &u.GivenName
	case 4:
		return &u.Surname
	case 5:
		return &u.DisplayName
	case 6:
		return &u.Mail
	case 7:
		return &u.Telephone
	case 8:
		return &u.Title
	case 9:
		return &u.Description
	case 10:
		return &u.UserPrincipalName
	case 11:
		return &u.HomeDirectory
	case 12:
		return &u.ExternalID
	}
	panic("readmodel: no user string field " + strconv.Itoa(i))
}

// formUser narrows u for the entry e, whose ID, DN and packed field values
// are already set (place).
func formUser(u *directory.User, e *Entry) userForm {
	f := userForm{flags: userSet, uidNumber: u.UIDNumber, gidNumber: u.GIDNumber}
	created, ok1 := unixSeconds(u.Created)
	modified, ok2 := unixSeconds(u.Modified)
	if ok1 && ok2 {
		f.created, f.modified = created, modified
	} else {
		f.flags |= userRareTimes
	}
	for _, b := range [...]struct {
		on  bool
		bit uint8
	}{{u.Enabled, userEnabled}, {u.MustChangePassword, userMustChange}, {u.InvitationPending, userInvitationPending}, {u.System, userSystem}} {
		if b.on {
			f.flags |= b.bit
		}
	}
	var vals []string
	if e.fields.wide == nil {
		vals = e.fields.vals
	}
	for i := range userStrings {
		s := *userString(u, i)
		switch {
		case s == "":
			f.refs[i] = refEmpty
		case s == e.ID:
			f.refs[i] = refID
		case s == e.DN:
			f.refs[i] = refDN
		default:
			f.refs[i] = refExtra
			for j, v := range vals[:min(len(vals), refExtra-refVal)] {
				if v == s {
					f.refs[i] = uint8(refVal + j)
					break
				}
			}
			if f.refs[i] == refExtra {
				if f.extra == nil {
					f.extra = new([]string)
				}
				f.refs[i] = uint8(refExtra + len(*f.extra))
				*f.extra = append(*f.extra, s)
			}
		}
	}
	// Compared with the zero values, not IsZero: a zero time in a zone is
	// another value, and a read returns exactly what the feed mapped.
	if u.Mobile != nil || u.Lock != (directory.LockState{}) || u.InvitationExpiry != (time.Time{}) || u.Attributes != nil ||
		f.flags&userRareTimes != 0 {
		f.rare = &userRare{mobile: u.Mobile, lock: u.Lock, invitationExpiry: u.InvitationExpiry, attributes: u.Attributes}
		if f.flags&userRareTimes != 0 {
			f.rare.created, f.rare.modified = u.Created, u.Modified
		}
	}
	return f
}

// unixSeconds returns t's Unix seconds, and whether they give back t
// exactly (the same instant, in UTC, without a fraction: == holds, not
// only Equal) — else the time is kept as it is.
func unixSeconds(t time.Time) (int64, bool) {
	s := t.Unix()
	return s, time.Unix(s, 0).UTC() == t
}

// user rebuilds the directory.User of a user entry. Its slices and map
// are the entry's own: a caller that hands it out copies them (userAt).
func (e *Entry) user() directory.User {
	f := &e.form
	u := directory.User{
		UIDNumber:          f.uidNumber,
		GIDNumber:          f.gidNumber,
		Enabled:            f.flags&userEnabled != 0,
		MustChangePassword: f.flags&userMustChange != 0,
		InvitationPending:  f.flags&userInvitationPending != 0,
		System:             f.flags&userSystem != 0,
	}
	if f.flags&userRareTimes == 0 {
		u.Created, u.Modified = time.Unix(f.created, 0).UTC(), time.Unix(f.modified, 0).UTC()
	} else {
		u.Created, u.Modified = f.rare.created, f.rare.modified
	}
	for i := range userStrings {
		switch r := f.refs[i]; {
		case r == refEmpty:
		case r == refID:
			*userString(&u, i) = e.ID
		case r == refDN:
			*userString(&u, i) = e.DN
		case r >= refExtra:
			*userString(&u, i) = (*f.extra)[r-refExtra]
		default:
			*userString(&u, i) = e.fields.vals[r-refVal]
		}
	}
	if r := f.rare; r != nil {
		u.Mobile, u.Lock, u.InvitationExpiry, u.Attributes = r.mobile, r.lock, r.invitationExpiry, r.attributes
	}
	return u
}
