package readmodel

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestUserForm: a user kept in the model's narrower form reads back as
// the directory.User it came as — every field set (so a field added to
// directory.User and not kept fails here), none set, and with its strings
// found among the entry's id, DN and field values or not.
func TestUserForm(t *testing.T) {
	full := directory.User{}
	v := reflect.ValueOf(&full).Elem()
	zone := time.FixedZone("x", 3600)
	for i := range v.NumField() {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString("v-" + name)
		case reflect.Int64:
			f.SetInt(int64(1000 + i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"s1-" + name, "s2-" + name}))
		case reflect.Map:
			f.Set(reflect.ValueOf(map[string][]string{"a": {"1", "2"}}))
		case reflect.Struct:
			switch f.Interface().(type) {
			case time.Time:
				f.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, i, 5, zone)))
			case directory.LockState:
				f.Set(reflect.ValueOf(directory.LockState{Locked: true, Reason: directory.LockReason("r"),
					Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2027, 1, 1, 0, 0, 0, 0, zone)}))
			default:
				t.Fatalf("directory.User.%s: a field of type %s that the test does not fill", name, f.Type())
			}
		default:
			t.Fatalf("directory.User.%s: a field of kind %s that the test does not fill", name, f.Kind())
		}
	}
	// Every value of the user's string fields, as a feed's Values would
	// hold them (here all in one field: only the packing matters).
	var all []string
	for i := range userStrings {
		all = append(all, *userString(&full, i))
	}
	for _, c := range []struct {
		name   string
		u      directory.User
		id, dn string
		values map[directory.Field][]string
	}{
		{"full, strings shared", full, full.ID, full.DN, map[directory.Field][]string{directory.FieldDescription: all}},
		{"full, strings apart", full, "other-id", "cn=other", nil},
		{"empty", directory.User{}, "id", "cn=x", nil},
		{"zero times in a zone", directory.User{Created: time.Time{}.In(zone), InvitationExpiry: time.Time{}.In(zone)}, "id", "cn=x", nil},
		{"empty mobile, not nil", directory.User{Mobile: []string{}}, "id", "cn=x", nil},
		{"times in UTC, whole seconds", directory.User{Created: time.Date(2026, 12, 7, 14, 3, 0, 0, time.UTC),
			Modified: time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)}, "id", "cn=x", nil},
		{"a time with a fraction", directory.User{Created: time.Date(2026, 12, 7, 14, 3, 0, 0, time.UTC),
			Modified: time.Date(2026, 12, 7, 14, 3, 0, 1, time.UTC)}, "id", "cn=x", nil},
		{"a time in UTC's name but another location", directory.User{Created: time.Date(2026, 12, 7, 14, 3, 0, 0, time.FixedZone("UTC", 0))}, "id", "cn=x", nil},
		{"a time with a monotonic reading", directory.User{Created: time.Now()}, "id", "cn=x", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := c.u
			e := Entry{ID: c.id, DN: c.dn, fields: slotValues(c.values)}
			e.form = formUser(&u, &e)
			if got := e.user(); !reflect.DeepEqual(got, c.u) {
				t.Fatalf("read back\n%s\nwant\n%s", fmt.Sprintf("%#v", got), fmt.Sprintf("%#v", c.u))
			}
			if (c.name == "empty" || strings.HasPrefix(c.name, "times in UTC")) && e.form.rare != nil {
				t.Errorf("a user with no rare field keeps %+v apart", *e.form.rare)
			}
			if c.values != nil && e.form.extra != nil {
				t.Errorf("strings kept apart although the entry holds them: %q", *e.form.extra)
			}
		})
	}
}
