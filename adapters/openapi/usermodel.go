package openapi

import (
	"fmt"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Values of inactiveReason.
const (
	reasonManual          = "manual"
	reasonFailedLogons    = "tooManyFailedLogons"
	reasonExternalDisable = "externalAccountDisabled"
)

type user = directory.User

// userFields are the user entity's members in the schema's order.
// unixUserName is the username: the directory's login name is the POSIX
// one (uid on OpenLDAP).
var userFields = fieldList[user]{
	{name: "_id", get: always(func(u *user) string { return u.ID }), filter: eqInOps(directory.FieldID)},
	{name: "_created", get: ifTime(func(u *user) time.Time { return u.Created }),
		filter: timeOps(directory.FieldCreated), sort: directory.FieldCreated},
	{name: "_modified", get: ifTime(func(u *user) time.Time { return u.Modified }),
		filter: timeOps(directory.FieldModified), sort: directory.FieldModified},
	{name: "externalId", get: ifSet(func(u *user) string { return u.ExternalID }), filter: textOps(directory.FieldExternalID)},
	{name: "system", get: always(func(u *user) bool { return u.System }), filter: boolOps(directory.FieldSystem)},
	{name: "userName", get: always(func(u *user) string { return u.Username }),
		filter: textOps(directory.FieldUsername), sort: directory.FieldUsername},
	{name: "displayName", get: always(func(u *user) string { return u.DisplayName }),
		filter: textOps(directory.FieldDisplayName), sort: directory.FieldDisplayName},
	{name: "active", get: always(func(u *user) bool { return u.Active() }), filter: activeOps()},
	{name: "inactiveReason", get: ifSet(inactiveReason)},
	{name: "email", get: ifSet(func(u *user) string { return u.Mail }), filter: textOps(directory.FieldMail)},
	{name: "unixHomeDirectory", get: ifSet(func(u *user) string { return u.HomeDirectory }), filter: textOps(directory.FieldHomeDirectory)},
	{name: "unixUserName", get: always(func(u *user) string { return u.Username }), filter: textOps(directory.FieldUsername)},
	{name: "userPrincipalName", get: ifSet(func(u *user) string { return u.UserPrincipalName }),
		filter: textOps(directory.FieldUserPrincipalName)},
	{name: "invitationPending", get: always(func(u *user) bool { return u.InvitationPending }),
		filter: boolOps(directory.FieldInvitationPending)},
	{name: "invitationExpiry", get: ifTime(func(u *user) time.Time { return u.InvitationExpiry })},
	// Never present: dirgate deletes users for good.
	{name: "deleted", get: never[user](), filter: deletedOps()},
	{name: "temporarilyLocked", get: always(func(u *user) bool { return u.Lock.Locked }), filter: boolOps(directory.FieldLocked)},
}

// inactiveReason says why a user cannot log on; "" when it can. A disabled
// user with an externalId is an account disabled in the system it comes
// from.
func inactiveReason(u *directory.User) string {
	switch {
	case !u.Enabled && u.ExternalID != "":
		return reasonExternalDisable
	case !u.Enabled:
		return reasonManual
	case u.Lock.Locked && u.Lock.Reason == directory.LockTooManyFailures:
		return reasonFailedLogons
	case u.Lock.Locked:
		return reasonManual
	}
	return ""
}

// userSchema: the members of a user a client may write. active enables or
// disables the account (and, set true, lifts a lock); userName renames.
var userSchema = entitySchema{
	entity:    "user",
	component: "User",
	writable: []writableField{
		{name: "userName", kind: kindText, required: true},
		{name: "displayName", kind: kindText},
		{name: "email", kind: kindText},
		{name: "unixHomeDirectory", kind: kindText},
		{name: "userPrincipalName", kind: kindText},
		{name: "externalId", kind: kindText},
		{name: "active", kind: kindFlag},
		{name: "system", kind: kindFlag},
	},
	readOnly: []string{"_id", "_created", "_modified", "inactiveReason", "unixUserName",
		"invitationPending", "invitationExpiry", "deleted", "temporarilyLocked"},
}

// userDraft is a user's writable members as they are now.
func userDraft(u *directory.User) draft {
	d := draft{"userName": u.Username, "active": u.Active(), "system": u.System}
	for name, v := range map[string]string{
		"displayName": u.DisplayName, "email": u.Mail, "unixHomeDirectory": u.HomeDirectory,
		"userPrincipalName": u.UserPrincipalName, "externalId": u.ExternalID,
	} {
		if v != "" {
			d[name] = v
		}
	}
	return d
}

// newUserDraft is what a created user starts from.
func newUserDraft() draft { return draft{"active": true, "system": false} }

// userChangeOf builds the core's change from before to after: only the
// members that differ. Active is enabled and not locked, so becoming
// active lifts a lock the account has as well as enabling it.
func userChangeOf(before, after draft) identity.UserChange {
	var ch identity.UserChange
	p := &ch.Patch
	p.DisplayName, _ = changedText(before, after, "displayName")
	p.Mail, _ = changedText(before, after, "email")
	p.HomeDirectory, _ = changedText(before, after, "unixHomeDirectory")
	p.UserPrincipalName, _ = changedText(before, after, "userPrincipalName")
	p.ExternalID, _ = changedText(before, after, "externalId")
	p.System, _ = changedFlag(before, after, "system")
	ch.Rename, _ = changedText(before, after, "userName")
	ch.Enabled, _ = changedFlag(before, after, "active")
	ch.Unlock = ch.Enabled != nil && *ch.Enabled
	return ch
}

// newUserOf turns a draft into the core's NewUser.
func newUserOf(d draft, parentDN string) directory.NewUser {
	return directory.NewUser{
		ParentDN:          parentDN,
		Username:          d.text("userName"),
		DisplayName:       d.text("displayName"),
		Mail:              d.text("email"),
		HomeDirectory:     d.text("unixHomeDirectory"),
		UserPrincipalName: d.text("userPrincipalName"),
		ExternalID:        d.text("externalId"),
		System:            d.flag("system"),
		Disabled:          !d.flag("active"),
	}
}

func userSubject(id string) string { return fmt.Sprintf("user %q", id) }

func userNamed(name string) string { return fmt.Sprintf("a user named %q", name) }
