package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestSameTree is TestSameAnswers for the tree: after each of a run of
// random operations — OUs created nested, with names holding every DN and
// filter metacharacter (and the same name under several parents), users
// and groups in them, group memberships across OUs, OUs renamed and moved
// with their subtree by a modrdn made directly on slapd (as ldapmodify
// would), OUs deleted with and without their children — GetOU, ListOUs,
// Children, Resolve, GetUser and Members through the model return exactly
// what the LDAP backend returns from slapd: same entries, order, fields
// and kinds of error. Writes through the model are compared at once
// (read-your-writes); changes made on slapd within the lag bound.
func TestSameTree(t *testing.T) {
	// Without sortvals: after a move made on the server, refint puts the
	// moved member's value last, and so does the model; a server keeping
	// member values sorted puts it in its place (docs/backends.md).
	srv := slapd.Start(t, slapd.Options{Disable: slapd.SortVals})
	m, backend := openModel(t, srv, 2*time.Second)
	sameTree(t, m, backend, srv.FreshOU(t), 60, func(req *goldap.ModifyDNRequest) error {
		return srv.Dial(t).ModifyDN(req)
	})
}

// treeRun is one run of sameTree: the model, the directory, and what the
// run made so far.
type treeRun struct {
	t        *testing.T
	m        *readmodel.Directory
	backend  directory.Directory
	rng      *rand.Rand
	base     string
	modifyDN func(*goldap.ModifyDNRequest) error
	names    []string
	users    []string // ids
	groups   []string // ids
	seq      int
}

var treeWords = []string{"*", "(", ")", `\`, ",", "=", "+", "<", ">", "#", ";", `"`, "a b", "A  B",
	"Sales", "sales", "SALES", "é", "jürgen", "x", "_", "[", "~", "0"}

func sameTree(t *testing.T, m *readmodel.Directory, backend directory.Directory, base string, steps int, modifyDN func(*goldap.ModifyDNRequest) error) {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("DIRGATE_TEST_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d (DIRGATE_TEST_SEED replays it)", seed)
	r := &treeRun{t: t, m: m, backend: backend, rng: rand.New(rand.NewPCG(seed, 2)), base: base, modifyDN: modifyDN}
	before := m.Stats()
	// An OU whose DN ends as its sibling's, with an escaped comma: not
	// below it.
	for _, name := range []string{"x", "y,ou=x"} {
		ou, err := m.CreateOU(t.Context(), directory.NewOU{ParentDN: base, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.CreateUser(t.Context(), directory.NewUser{ParentDN: ou.DN, Username: "in-" + ou.ID[:8], Surname: name}); err != nil {
			t.Fatal(err)
		}
	}
	for range 6 {
		r.createOU()
	}
	for i := range steps {
		var what string
		outside := false
		switch n := r.rng.IntN(10); {
		case n < 3:
			what = r.createOU()
		case n < 5:
			what = r.createPrincipal()
		case n < 6:
			what = r.join()
		case n < 8:
			what, outside = r.moveOU()
		default:
			what = r.deleteOU()
		}
		r.compare(fmt.Sprintf("step %d (%s)", i, what), outside)
	}
	after := m.Stats()
	served, routed := after.Served-before.Served, after.Routed-before.Routed
	t.Logf("tree reads: %d answered by the model, %d by the directory", served, routed)
	if served < routed {
		t.Errorf("the model answered only %d tree reads, the directory %d", served, routed)
	}
}

func (r *treeRun) word() string { return treeWords[r.rng.IntN(len(treeWords))] }

// ous lists every OU under the base, and the base, as the directory has
// them.
func (r *treeRun) ous() []string {
	list, err := r.backend.ListOUs(r.t.Context(), r.base, directory.ScopeSubtree)
	if err != nil {
		r.t.Fatal(err)
	}
	out := []string{r.base}
	for _, o := range list {
		out = append(out, o.DN)
	}
	return out
}

func (r *treeRun) pick(dns []string) string { return dns[r.rng.IntN(len(dns))] }

// name is a fresh name, or (one time in three) one used before: the same
// name under several parents, and a clash now and then.
func (r *treeRun) name() string {
	if len(r.names) > 0 && r.rng.IntN(3) == 0 {
		return r.names[r.rng.IntN(len(r.names))]
	}
	r.seq++
	n := fmt.Sprintf("%s%s%d", r.word(), r.word(), r.seq)
	if r.rng.IntN(2) == 0 {
		n = r.word() + r.word()
	}
	n = strings.TrimSpace(n)
	r.names = append(r.names, n)
	return n
}

func (r *treeRun) createOU() string {
	parent, name := r.pick(r.ous()), r.name()
	_, err := r.m.CreateOU(r.t.Context(), directory.NewOU{ParentDN: parent, Name: name, Description: r.word(), City: r.word(), Protected: r.rng.IntN(8) == 0})
	if err != nil && !errors.Is(err, directory.ErrAlreadyExists) && !errors.Is(err, directory.ErrInvalidInput) {
		r.t.Fatalf("CreateOU(%q under %s): %v", name, parent, err)
	}
	return fmt.Sprintf("CreateOU %q under %s: %v", name, parent, err)
}

func (r *treeRun) createPrincipal() string {
	ctx := r.t.Context()
	parent := r.pick(r.ous())
	r.seq++
	name := fmt.Sprintf("p%d", r.seq)
	if r.rng.IntN(2) == 0 {
		name = r.name() // a principal named as an OU: Resolve finds both
		if !isPlain(name) || strings.ContainsAny(name, " ") {
			name = fmt.Sprintf("%s%d", "Sales", r.seq)
		}
	}
	if r.rng.IntN(2) == 0 {
		u, err := r.m.CreateUser(ctx, directory.NewUser{ParentDN: parent, Username: name, Surname: r.word()})
		if err == nil {
			r.users = append(r.users, u.ID)
		} else if !errors.Is(err, directory.ErrAlreadyExists) && !errors.Is(err, directory.ErrInvalidInput) {
			r.t.Fatalf("CreateUser(%q under %s): %v", name, parent, err)
		}
		return fmt.Sprintf("CreateUser %q under %s: %v", name, parent, err)
	}
	g, err := r.m.CreateGroup(ctx, directory.NewGroup{ParentDN: parent, Name: name})
	if err == nil {
		r.groups = append(r.groups, g.ID)
	} else if !errors.Is(err, directory.ErrAlreadyExists) && !errors.Is(err, directory.ErrInvalidInput) {
		r.t.Fatalf("CreateGroup(%q under %s): %v", name, parent, err)
	}
	return fmt.Sprintf("CreateGroup %q under %s: %v", name, parent, err)
}

// join puts a user (or a group) into a group, most likely in another OU:
// the membership must follow the member when its OU moves.
func (r *treeRun) join() string {
	if len(r.groups) == 0 || len(r.users) == 0 {
		return r.createPrincipal()
	}
	g := r.groups[r.rng.IntN(len(r.groups))]
	member := directory.PrincipalRef{Type: directory.PrincipalUser, Ref: directory.ByID(r.users[r.rng.IntN(len(r.users))])}
	if r.rng.IntN(3) == 0 {
		member = directory.PrincipalRef{Type: directory.PrincipalGroup, Ref: directory.ByID(r.groups[r.rng.IntN(len(r.groups))])}
	}
	err := r.m.AddMember(r.t.Context(), directory.ByID(g), member)
	if err != nil && !errors.Is(err, directory.ErrNotFound) && !errors.Is(err, directory.ErrInvalidInput) {
		r.t.Fatalf("AddMember: %v", err)
	}
	return fmt.Sprintf("AddMember %s to %s: %v", member.Ref, g, err)
}

// moveOU renames an OU, or moves it under another, with a modrdn made on
// slapd: its subtree goes with it.
func (r *treeRun) moveOU() (string, bool) {
	all := r.ous()
	if len(all) < 2 {
		return r.createOU(), false
	}
	dn := r.pick(all[1:])
	newRDN := "ou=" + goldap.EscapeDN(r.name())
	req := goldap.NewModifyDNRequest(dn, newRDN, true, "")
	if r.rng.IntN(2) == 0 {
		var targets []string
		for _, o := range all {
			if !directory.IsUnder(o, dn) {
				targets = append(targets, o)
			}
		}
		req.NewSuperior = r.pick(targets)
		if r.rng.IntN(2) == 0 {
			first, _ := directory.FirstRDNValue(dn)
			newRDN = "ou=" + goldap.EscapeDN(first)
			req.NewRDN = newRDN
		}
	}
	err := r.modifyDN(req)
	// A clash with an entry there (slapd is unwilling when that entry is
	// an ancestor of the one moved) changes nothing.
	if err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultEntryAlreadyExists) && !goldap.IsErrorWithCode(err, goldap.LDAPResultUnwillingToPerform) {
		r.t.Fatalf("modrdn %s to %s under %q: %v", dn, newRDN, req.NewSuperior, err)
	}
	return fmt.Sprintf("modrdn %s to %s under %q: %v", dn, newRDN, req.NewSuperior, err), err == nil
}

func (r *treeRun) deleteOU() string {
	all := r.ous()
	if len(all) < 4 {
		return r.createOU()
	}
	dn := r.pick(all[1:])
	recursive := r.rng.IntN(2) == 0
	err := r.m.DeleteOU(r.t.Context(), directory.ByDN(dn), recursive)
	if err != nil && !errors.Is(err, directory.ErrNotEmpty) && !errors.Is(err, directory.ErrProtected) {
		r.t.Fatalf("DeleteOU(%s, %v): %v", dn, recursive, err)
	}
	return fmt.Sprintf("DeleteOU %s recursive=%v: %v", dn, recursive, err)
}

// compare checks every tree read below the base through the model
// against the directory. A change made behind the model's back is given
// the lag bound to arrive.
func (r *treeRun) compare(step string, outside bool) {
	r.t.Helper()
	if !outside {
		if diff := r.diff(); diff != "" {
			r.t.Fatalf("%s: %s", step, diff)
		}
		return
	}
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		diff := r.diff()
		if diff == "" {
			return
		}
		if time.Since(start) > 2*time.Second {
			r.t.Fatalf("%s: after 2 s, %s", step, diff)
		}
	}
}

// diff returns the first difference between the model's answers and the
// directory's, "" when there is none.
func (r *treeRun) diff() string {
	ctx := r.t.Context()
	m, b := r.m, r.backend
	all := r.ous()
	// A DN just gone: both must say not found.
	gone := "ou=gone," + all[len(all)-1]
	for _, dn := range append(all, gone, "ou=x,dc=elsewhere") {
		if d := same(ctx, "Children "+dn, m.Children, b.Children, dn); d != "" {
			return d
		}
		for _, sc := range []directory.Scope{directory.ScopeSubtree, directory.ScopeOneLevel} {
			list := func(d directory.Directory) func(context.Context, string) ([]directory.OU, error) {
				return func(ctx context.Context, base string) ([]directory.OU, error) { return d.ListOUs(ctx, base, sc) }
			}
			if d := same(ctx, fmt.Sprintf("ListOUs %s scope %d", dn, sc), list(m), list(b), dn); d != "" {
				return d
			}
			search := func(d directory.Directory) func(context.Context, string) (directory.Page[directory.User], error) {
				return func(ctx context.Context, base string) (directory.Page[directory.User], error) {
					return d.SearchUsers(ctx, directory.Query{Base: base, Scope: sc})
				}
			}
			if d := same(ctx, fmt.Sprintf("SearchUsers below %s scope %d", dn, sc), search(m), search(b), dn); d != "" {
				return d
			}
		}
		if d := same(ctx, "GetOU "+dn, m.GetOU, b.GetOU, directory.ByDN(dn)); d != "" {
			return d
		}
	}
	ous, _ := b.ListOUs(ctx, "", directory.ScopeSubtree)
	for _, o := range ous {
		if d := same(ctx, "GetOU "+o.ID, m.GetOU, b.GetOU, directory.ByID(o.ID)); d != "" {
			return d
		}
	}
	subtree := func(d directory.Directory) func(context.Context, string) ([]directory.OU, error) {
		return func(ctx context.Context, base string) ([]directory.OU, error) {
			return d.ListOUs(ctx, base, directory.ScopeSubtree)
		}
	}
	if d := same(ctx, "ListOUs of the domain", subtree(m), subtree(b), ""); d != "" {
		return d
	}
	for _, name := range slices.Concat(r.names, treeWords, []string{"", "p1", "p2"}) {
		if d := same(ctx, fmt.Sprintf("Resolve %q", name), m.Resolve, b.Resolve, name); d != "" {
			return d
		}
	}
	for _, id := range r.users {
		if d := same(ctx, "GetUser "+id, m.GetUser, b.GetUser, directory.ByID(id)); d != "" {
			return d
		}
	}
	for _, id := range r.groups {
		members := func(d directory.Directory) func(context.Context, directory.Ref) ([]directory.Member, error) {
			return func(ctx context.Context, ref directory.Ref) ([]directory.Member, error) {
				return d.Members(ctx, ref, false)
			}
		}
		if d := same(ctx, "Members "+id, members(m), members(b), directory.ByID(id)); d != "" {
			return d
		}
	}
	return ""
}

// same calls one read through the model and straight to the directory
// and describes how the answers differ, "" when they do not.
func same[A, T any](ctx context.Context, what string, model, dir func(context.Context, A) (T, error), arg A) string {
	got, gotErr := model(ctx, arg)
	want, wantErr := dir(ctx, arg)
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && identity.Kind(gotErr) != identity.Kind(wantErr) {
		return fmt.Sprintf("%s:\n model error     %v\n directory error %v", what, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s:\n model     %+v\n directory %+v", what, got, want)
	}
	return ""
}
