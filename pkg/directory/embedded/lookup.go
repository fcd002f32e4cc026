package embedded

import (
	"fmt"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

func notFound(what string, ref directory.Ref) error {
	return fmt.Errorf("%w: %s %s", directory.ErrNotFound, what, ref)
}

// idByDN finds the id of the entry a DN names; a DN that does not parse is
// invalid input.
func (s *state) idByDN(dn string) (string, bool, error) {
	norm, err := directory.NormalizeDN(dn)
	if err != nil {
		return "", false, err
	}
	id, ok := s.dns[norm]
	return id, ok, nil
}

// user finds a user by any of its keys.
func (s *state) user(ref directory.Ref) (*userRec, error) {
	id, err := s.idOf("user", ref, s.userNames, s.uidNumbers)
	if err != nil {
		return nil, err
	}
	u, ok := s.users[id]
	if !ok {
		return nil, notFound("user", ref)
	}
	return u, nil
}

// group finds a group by any of its keys.
func (s *state) group(ref directory.Ref) (*groupRec, error) {
	id, err := s.idOf("group", ref, s.groupNames, s.gidNumbers)
	if err != nil {
		return nil, err
	}
	g, ok := s.groups[id]
	if !ok {
		return nil, notFound("group", ref)
	}
	return g, nil
}

// idOf is the id a reference to a user or a group names, through that
// kind's name and number indexes; "" when nothing has that key.
func (s *state) idOf(what string, ref directory.Ref, names map[string]string, numbers map[int64]string) (string, error) {
	if !ref.Valid() {
		return "", invalid("invalid %s reference %s", what, ref)
	}
	switch ref.Kind {
	case directory.RefID:
		return strings.ToLower(ref.Value), nil
	case directory.RefDN:
		id, _, err := s.idByDN(ref.Value)
		return id, err
	case directory.RefName:
		return names[fold(ref.Value)], nil
	case directory.RefNumber:
		return numbers[ref.Number], nil
	}
	return "", nil
}

// ou finds an OU by id or DN; a name is ambiguous (see Resolve).
func (s *state) ou(ref directory.Ref) (*ouRec, error) {
	var id string
	switch {
	case !ref.Valid():
		return nil, invalid("invalid OU reference %s", ref)
	case ref.Kind == directory.RefID:
		id = strings.ToLower(ref.Value)
	case ref.Kind == directory.RefDN:
		var err error
		if id, _, err = s.idByDN(ref.Value); err != nil {
			return nil, err
		}
	default:
		return nil, invalid("an OU is found by id or DN, not by %s (names repeat: use Resolve)", ref.Kind)
	}
	o, ok := s.ous[id]
	if !ok {
		return nil, notFound("OU", ref)
	}
	return o, nil
}

// principal finds the user or group p names and returns its id.
func (s *state) principal(p directory.PrincipalRef) (string, directory.PrincipalType, error) {
	switch p.Type {
	case directory.PrincipalUser:
		u, err := s.user(p.Ref)
		if err != nil {
			return "", "", err
		}
		return u.ID, p.Type, nil
	case directory.PrincipalGroup:
		g, err := s.group(p.Ref)
		if err != nil {
			return "", "", err
		}
		return g.ID, p.Type, nil
	default:
		return "", "", invalid("principal type %q is neither user nor group", p.Type)
	}
}

// principalOf describes a user or group as a principal.
func (s *state) principalOf(id string) (directory.Principal, bool) {
	if u, ok := s.users[id]; ok {
		return directory.Principal{Type: directory.PrincipalUser, ID: u.ID, DN: u.DN, Name: u.Username,
			DisplayName: u.DisplayName, System: u.System}, true
	}
	if g, ok := s.groups[id]; ok {
		return directory.Principal{Type: directory.PrincipalGroup, ID: g.ID, DN: g.DN, Name: g.Name,
			DisplayName: g.Name, System: g.System}, true
	}
	return directory.Principal{}, false
}
