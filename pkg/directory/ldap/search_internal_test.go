package ldap

import (
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestFewMatches(t *testing.T) {
	many := make([]string, maxPinnedValues+1)
	for name, tc := range map[string]struct {
		f    directory.Filter
		want bool
	}{
		"no filter":          {nil, false},
		"username eq":        {directory.Eq(directory.FieldUsername, "alice"), true},
		"id in":              {directory.In(directory.FieldID, "a", "b"), true},
		"group name eq":      {directory.Eq(directory.FieldName, "staff"), true},
		"uidNumber eq":       {directory.Eq(directory.FieldUIDNumber, "10001"), true},
		"too many values":    {directory.In(directory.FieldUsername, many...), false},
		"gidNumber is group": {directory.Eq(directory.FieldGIDNumber, "10000"), false},
		"username prefix":    {directory.StartsWith(directory.FieldUsername, "a"), false},
		"mail eq":            {directory.Eq(directory.FieldMail, "a@example.com"), false},
		"and with a pin":     {directory.And{directory.Eq(directory.FieldMail, "x"), directory.Eq(directory.FieldUsername, "a")}, true},
		"and without":        {directory.And{directory.Eq(directory.FieldMail, "x")}, false},
		"or of pins":         {directory.Or{directory.Eq(directory.FieldUsername, "a"), directory.Eq(directory.FieldID, "b")}, true},
		"or with a loose":    {directory.Or{directory.Eq(directory.FieldUsername, "a"), directory.Eq(directory.FieldMail, "b")}, false},
		"empty or":           {directory.Or{}, false},
		"not a pin":          {directory.Not{Filter: directory.Eq(directory.FieldUsername, "a")}, false},
	} {
		if got := fewMatches(tc.f); got != tc.want {
			t.Errorf("%s: fewMatches = %v, want %v", name, got, tc.want)
		}
	}
}

// A search pinned to one user keeps its connection and opens no sorted
// view, while a listing still gets its page and total from one.
func TestPinnedSearchKeepsItsConnection(t *testing.T) {
	d := openOnPrivateSlapd(t, func(c *Config) { c.PoolSize = 1 })
	ctx := t.Context()
	var err error
	for _, name := range []string{"people", "pin-a", "pin-b"} {
		parent := d.base
		if name != "people" {
			parent = "ou=people," + d.base
			_, err = d.CreateUser(ctx, directory.NewUser{ParentDN: parent, Username: name})
		} else {
			_, err = d.CreateOU(ctx, directory.NewOU{ParentDN: parent, Name: name})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	opened := func() *readConn {
		c, err := d.reads.get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		d.reads.put(c, false)
		return c
	}
	views := func() int {
		d.views.mu.Lock()
		defer d.views.mu.Unlock()
		return len(d.views.open)
	}
	before := opened()
	for range 3 {
		page, err := d.SearchUsers(ctx, directory.Query{Filter: directory.Eq(directory.FieldUsername, "pin-a"), Limit: 50})
		if err != nil || page.Total != 1 || len(page.Items) != 1 || page.Items[0].Username != "pin-a" {
			t.Fatalf("pinned search: %+v, %v", page, err)
		}
	}
	if after := opened(); after != before || views() != 0 {
		t.Errorf("a pinned search dropped its connection (%v) or opened a sorted view (%d)", after != before, views())
	}
	page, err := d.SearchUsers(ctx, directory.Query{Filter: directory.StartsWith(directory.FieldUsername, "pin-"), Limit: 1})
	if err != nil || page.Total != 2 || len(page.Items) != 1 || page.Items[0].Username != "pin-a" {
		t.Fatalf("listing: %+v, %v", page, err)
	}
	if views() != 1 {
		t.Errorf("a listing left %d sorted views open, want 1", views())
	}
}
