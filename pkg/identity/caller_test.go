package identity

import (
	"errors"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestScopeAllows(t *testing.T) {
	const base = "dc=example,dc=com"
	sales := "ou=Sales," + base
	cases := []struct {
		name  string
		scope Scope
		op    Operation
		dn    string
		ok    bool
	}{
		{"zero scope allows everything", Scope{}, OpUserDelete, "uid=a," + base, true},
		{"read-only reads", Scope{ReadOnly: true}, OpUserRead, "uid=a," + base, true},
		{"read-only verifies passwords", Scope{ReadOnly: true}, OpPasswordVerify, "", true},
		{"read-only cannot write", Scope{ReadOnly: true}, OpUserCreate, "", false},
		{"subtree inside", Scope{Subtrees: []string{sales}}, OpUserUpdate, "uid=a,OU=sales, DC=Example,dc=com", true},
		{"subtree itself", Scope{Subtrees: []string{sales}}, OpOUDelete, sales, true},
		{"subtree outside", Scope{Subtrees: []string{sales}}, OpUserUpdate, "uid=a,ou=hr," + base, false},
		{"sibling with a common suffix is outside", Scope{Subtrees: []string{sales}}, OpUserRead, "uid=a,ou=PreSales," + base, false},
		{"operations list allows", Scope{Operations: []Operation{OpUserRead}}, OpUserRead, "", true},
		{"operations list refuses", Scope{Operations: []Operation{OpUserRead}}, OpUserCreate, "", false},
		{"self on itself", Scope{Self: "uid=a," + base}, OpPasswordChange, "UID=A," + base, true},
		{"self on another", Scope{Self: "uid=a," + base}, OpUserRead, "uid=b," + base, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.scope.allows(tc.op, tc.dn)
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok && !errors.Is(err, ErrForbidden) {
				t.Fatalf("got %v, want ErrForbidden", err)
			}
		})
	}
}

func TestOperationIsWrite(t *testing.T) {
	for _, op := range []Operation{OpUserRead, OpGroupRead, OpOURead, OpPasswordVerify, OpBackupExport} {
		if op.IsWrite() {
			t.Errorf("%s counted as a write", op)
		}
	}
	for _, op := range []Operation{OpUserCreate, OpPasswordSet, OpGroupMemberAdd, OpOUDelete, OpBackupImport, OpDirectoryReconnect} {
		if !op.IsWrite() {
			t.Errorf("%s not counted as a write", op)
		}
	}
}

func TestScopeNarrowsTheBase(t *testing.T) {
	const base = "dc=example,dc=com"
	sales, hr := "ou=sales,"+base, "ou=hr,"+base

	q, err := Scope{Subtrees: []string{sales}}.narrow(directory.Query{})
	if err != nil || q.Base != sales {
		t.Fatalf("one subtree, no base: base %q err %v, want %q", q.Base, err, sales)
	}
	q, err = Scope{Subtrees: []string{sales}}.narrow(directory.Query{Base: "ou=east," + sales})
	if err != nil || q.Base != "ou=east,"+sales {
		t.Fatalf("base inside the subtree: base %q err %v", q.Base, err)
	}
	q, err = Scope{Subtrees: []string{sales}}.narrow(directory.Query{Base: base})
	if err != nil || q.Base != sales {
		t.Fatalf("base above the subtree: base %q err %v, want %q", q.Base, err, sales)
	}
	if _, err = (Scope{Subtrees: []string{sales, hr}}).narrow(directory.Query{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("two subtrees, no base: err %v, want ErrForbidden", err)
	}
	if _, err = (Scope{Subtrees: []string{sales}}).narrow(directory.Query{Base: hr}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("base outside: err %v, want ErrForbidden", err)
	}
	self := "uid=a," + sales
	q, err = Scope{Self: self}.narrow(directory.Query{})
	if err != nil || q.Base != self {
		t.Fatalf("self: base %q err %v, want %q", q.Base, err, self)
	}
	q, err = Scope{Self: self}.narrow(directory.Query{Base: hr})
	if err != nil {
		t.Fatal(err)
	}
	if or, ok := q.Filter.(directory.Or); !ok || len(or) != 0 {
		t.Fatalf("self asking elsewhere: filter %#v, want the empty Or that matches nothing", q.Filter)
	}
}
