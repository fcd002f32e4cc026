package readmodel

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Reads answered by the model while it serves; each falls back to the
// backend where the model cannot answer as it would (errRoute).

// GetUser finds a user in the model.
func (d *Directory) GetUser(ctx context.Context, ref directory.Ref) (*directory.User, error) {
	if d.answers(ctx) {
		d.st.mu.RLock()
		e, err := d.st.find(KindUser, ref, d.base)
		var u directory.User
		if err == nil {
			u = userAt(e, time.Now())
		}
		d.st.mu.RUnlock()
		if d.tally(err) {
			if err != nil {
				return nil, err
			}
			return &u, nil
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.GetUser(ctx, ref)
}

// GetGroup finds a group in the model.
func (d *Directory) GetGroup(ctx context.Context, ref directory.Ref) (*directory.Group, error) {
	if d.answers(ctx) {
		d.st.mu.RLock()
		e, err := d.st.find(KindGroup, ref, d.base)
		var g directory.Group
		if err == nil {
			g = *e.Group
		}
		d.st.mu.RUnlock()
		if d.tally(err) {
			if err != nil {
				return nil, err
			}
			return &g, nil
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.GetGroup(ctx, ref)
}

// SearchUsers evaluates q on the model.
func (d *Directory) SearchUsers(ctx context.Context, q directory.Query) (directory.Page[directory.User], error) {
	if d.answers(ctx) {
		d.st.mu.RLock()
		hits, total, err := d.st.search(KindUser, q, d.users, directory.UserFields, directory.FieldUsername, d.base)
		var page directory.Page[directory.User]
		if err == nil {
			now := time.Now()
			page.Total = total
			if len(hits) > 0 {
				page.Items = make([]directory.User, len(hits))
				for i, e := range hits {
					page.Items[i] = userAt(e, now)
				}
			}
		}
		d.st.mu.RUnlock()
		if d.tally(err) {
			return page, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.SearchUsers(ctx, q)
}

// SearchGroups evaluates q on the model.
func (d *Directory) SearchGroups(ctx context.Context, q directory.Query) (directory.Page[directory.Group], error) {
	if d.answers(ctx) {
		d.st.mu.RLock()
		hits, total, err := d.st.search(KindGroup, q, d.groups, directory.GroupFields, directory.FieldName, d.base)
		var page directory.Page[directory.Group]
		if err == nil {
			page.Total = total
			if len(hits) > 0 {
				page.Items = make([]directory.Group, len(hits))
				for i, e := range hits {
					page.Items[i] = *e.Group
				}
			}
		}
		d.st.mu.RUnlock()
		if d.tally(err) {
			return page, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.SearchGroups(ctx, q)
}

// userAt is the user of an entry as the backend would map it at now: a
// temporary lock that has run out by now no longer locks (the backend
// maps the entry afresh at each read; the model mapped it when it came).
func userAt(e *Entry, now time.Time) directory.User {
	u := e.user()
	u.Mobile = append([]string(nil), u.Mobile...)
	if len(u.Mobile) == 0 {
		u.Mobile = nil
	}
	if u.Attributes != nil {
		attrs := make(map[string][]string, len(u.Attributes))
		for k, v := range u.Attributes {
			attrs[k] = append([]string(nil), v...)
		}
		u.Attributes = attrs
	}
	if u.Lock.Locked && !u.Lock.Until.IsZero() && !now.Before(u.Lock.Until) {
		u.Lock = directory.LockState{}
	}
	return u
}

// find resolves a ref to one entry of the kind, as the backend's lookup
// does: errRoute where the model cannot be sure of the same answer
// (an ambiguous name, whose error names both entries; a name it cannot
// prepare as the server would; a ref the backend refuses).
func (s *store) find(kind Kind, ref directory.Ref, base string) (*Entry, error) {
	if !ref.Valid() {
		return nil, errRoute
	}
	var ids []string
	var buf [1]string
	switch ref.Kind {
	case directory.RefID:
		u, err := uuid.Parse(ref.Value)
		if err != nil {
			return nil, errRoute
		}
		ids = []string{strings.ToLower(u.String())}
	case directory.RefDN:
		if err := directory.CheckDN(ref.Value); err != nil || !directory.IsUnder(ref.Value, base) {
			return nil, errRoute
		}
		e := s.byDNEntry(ref.Value)
		if e == nil || e.Kind != kind {
			return nil, notFound(kind, ref)
		}
		return e, nil
	case directory.RefName:
		key, ok := assertionKey(ref.Value, true)
		if !ok || s.unsureNames > 0 || s.nameSlot[kind] < 0 {
			return nil, errRoute
		}
		ids = s.names[kind].get(key, &buf)
	case directory.RefNumber:
		ids = s.numbers[kind].get(ref.Number, &buf)
	default:
		return nil, errRoute
	}
	switch len(ids) {
	case 0:
		return nil, notFound(kind, ref)
	case 1:
		e := s.byID[ids[0]]
		if e == nil || e.Kind != kind {
			return nil, notFound(kind, ref)
		}
		return e, nil
	}
	return nil, errRoute
}

// notFound is find's answer for a ref that names no entry of the kind,
// built only then: a found entry, the usual case, pays no formatting.
func notFound(kind Kind, ref directory.Ref) error {
	var what string
	switch kind {
	case KindUser:
		what = "user"
	case KindGroup:
		what = "group"
	}
	return fmt.Errorf("%w: %s %s", directory.ErrNotFound, what, ref)
}
