package directory

import "time"

// OU is an organizational unit: a container for users, groups and OUs.
type OU struct {
	ID          string
	DN          string
	Name        string
	Description string
	Street      string
	City        string
	State       string
	PostalCode  string
	Country     string
	// Protected OUs are refused by DeleteOU with ErrProtected.
	Protected bool
	Created   time.Time
	Modified  time.Time
}

// NewOU is what CreateOU needs.
type NewOU struct {
	// ParentDN is the base DN or an existing OU.
	ParentDN    string
	Name        string
	Description string
	Street      string
	City        string
	State       string
	PostalCode  string
	Country     string
	Protected   bool
}

// EntryType classifies an entry found by Resolve or Children.
type EntryType string

// Entry types.
const (
	EntryUser  EntryType = "user"
	EntryGroup EntryType = "group"
	EntryOU    EntryType = "ou"
	// EntryOther: something the model does not manage (a container, a
	// contact, a computer ...).
	EntryOther EntryType = "other"
)

// Entry is the type, id, DN and name of any entry.
type Entry struct {
	Type EntryType
	ID   string
	DN   string
	Name string
}
