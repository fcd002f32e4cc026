package kanboard

import "strconv"

// userView is a row of Kanboard's users table as getUser returns it:
// ids and flags as strings, the external ids null. It has no password
// hash and no token (Kanboard's getUser returns the bcrypt hash).
type userView struct {
	ID                   string  `json:"id"`
	Username             string  `json:"username"`
	Role                 string  `json:"role"`
	IsLDAPUser           string  `json:"is_ldap_user"`
	Name                 string  `json:"name"`
	Email                string  `json:"email"`
	GoogleID             *string `json:"google_id"`
	GithubID             *string `json:"github_id"`
	NotificationsEnabled string  `json:"notifications_enabled"`
	IsActive             string  `json:"is_active"`
}

func viewOf(a *account) userView {
	u := a.user
	return userView{
		ID:                   strconv.FormatInt(u.UIDNumber, 10),
		Username:             u.Username,
		Role:                 a.role,
		IsLDAPUser:           flag(a.registered),
		Name:                 u.DisplayName,
		Email:                u.Mail,
		NotificationsEnabled: "0",
		IsActive:             flag(u.Enabled),
	}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
