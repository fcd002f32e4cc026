package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/directorytest"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
	"github.com/dirgate/dirgate/pkg/identity"
)

// openModel opens a store in dir with a read model over it, as
// `readModel: on` does, and waits until the model serves.
func openModel(t testing.TB, c *Config, dir string) (*readmodel.Directory, *Directory) {
	t.Helper()
	d := openTest(t, c, dir)
	m := readmodel.New(d, d.ReadModelFeed(), readmodel.Config{MaxLag: time.Second, Log: quiet})
	t.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.WaitServing(ctx); err != nil {
		t.Fatal(err)
	}
	return m, d
}

// TestConformanceThroughReadModel runs the suite on the store through its
// read model: every read the store answers, the decorator answers the
// same, and every write is read back at once (the commit reaches the
// model before the write returns). The model must have answered reads
// itself, or the run proved nothing about it.
func TestConformanceThroughReadModel(t *testing.T) {
	var models []*readmodel.Directory
	directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
		m, d := openModel(t, testConfig(), t.TempDir())
		d.afterWrite = func() { checkInvariants(t, d) }
		models = append(models, m)
		return directorytest.Fixture{Dir: m, Base: newBase(t, m)}
	})
	var served, routed int64
	for _, m := range models {
		s := m.Stats()
		served += s.Served
		routed += s.Routed
	}
	t.Logf("reads answered by the model: %d, by the store: %d", served, routed)
	if served == 0 {
		t.Fatal("the model answered no read")
	}
}

// TestConfigReadModel: `readModel: on` in the embedded block opens the
// store through a read model that serves at once; off (the default) opens
// the store itself; anything else is refused.
func TestConfigReadModel(t *testing.T) {
	env := directory.BackendEnv{Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: t.TempDir(), Log: quiet}
	c := testConfig()
	c.ReadModel = "on"
	dir, err := c.Open(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := dir.(*readmodel.Directory)
	if !ok {
		dir.Close()
		t.Fatalf("readModel on opened a %T", dir)
	}
	h, err := m.Health(t.Context())
	if err != nil || h.ReadModel == nil || !h.ReadModel.Serving {
		t.Errorf("Health after Open: %+v %v, want the model serving", h.ReadModel, err)
	}
	m.Close()
	c.ReadModel = ""
	if dir, err = c.Open(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	if _, ok := dir.(*Directory); !ok {
		t.Errorf("readModel unset opened a %T, want the store itself", dir)
	}
	dir.Close()
	c.ReadModel = "yes"
	if err := c.Validate(); !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("readModel yes: %v, want ErrInvalidInput", err)
	}
}

// TestReadModelSameAnswers: after each of a run of random writes —
// creates, edits, renames, moves, deletes, lockouts, group changes, and
// an Import restoring an older export over the store — every lookup of a
// user, group and OU (by id, DN, name, number) and a listing through the
// model return exactly what the store returns by itself, at once.
func TestReadModelSameAnswers(t *testing.T) {
	c := testConfig()
	c.LockoutThreshold = 2
	m, d := openModel(t, c, t.TempDir())
	ctx := t.Context()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	base := newBase(t, m)
	ous := []string{base}
	var users, groups []string
	var export bytes.Buffer
	before := m.Stats()
	for i := range 300 {
		var err error
		switch n := rng.IntN(12); {
		case n < 2:
			var o *directory.OU
			o, err = m.CreateOU(ctx, directory.NewOU{ParentDN: ous[rng.IntN(len(ous))], Name: fmt.Sprintf("ou,+%d", i), City: "Köln"})
			if err == nil {
				ous = append(ous, o.DN)
			}
		case n < 5:
			var u *directory.User
			u, err = m.CreateUser(ctx, directory.NewUser{ParentDN: ous[rng.IntN(len(ous))], Username: fmt.Sprintf("User %d", i),
				Surname: "S", Mail: fmt.Sprintf("u%d@example.com", i), UIDNumber: int64(20000 + i)})
			if err == nil {
				users = append(users, u.ID)
				if rng.IntN(2) == 0 {
					err = m.SetPassword(ctx, directory.ByID(u.ID), "Secret-123", false)
				}
			}
		case n < 6:
			var g *directory.Group
			g, err = m.CreateGroup(ctx, directory.NewGroup{ParentDN: ous[rng.IntN(len(ous))], Name: fmt.Sprintf("Group %d", i)})
			if err == nil {
				groups = append(groups, g.ID)
			}
		case n < 9 && len(users) > 0:
			ref := directory.ByID(users[rng.IntN(len(users))])
			switch rng.IntN(6) {
			case 0:
				desc := fmt.Sprintf("edited %d", i)
				_, err = m.UpdateUser(ctx, ref, directory.UserPatch{Description: &desc})
			case 1:
				_, err = m.RenameUser(ctx, ref, fmt.Sprintf("renamed%d", i))
			case 2:
				_, err = m.MoveUser(ctx, ref, ous[rng.IntN(len(ous))])
			case 3:
				_, err = m.VerifyPassword(ctx, ref, "wrong")
			case 4:
				err = m.SetEnabled(ctx, ref, rng.IntN(2) == 0)
			default:
				err = m.DeleteUser(ctx, ref)
			}
		case n < 10 && len(users) > 0 && len(groups) > 0:
			err = m.AddMember(ctx, directory.ByID(groups[rng.IntN(len(groups))]),
				directory.PrincipalRef{Type: directory.PrincipalUser, Ref: directory.ByID(users[rng.IntN(len(users))])})
		case n < 11 && len(ous) > 1:
			err = m.DeleteOU(ctx, directory.ByDN(ous[1+rng.IntN(len(ous)-1)]), rng.IntN(2) == 0)
		default:
			if export.Len() == 0 {
				_, err = m.Export(ctx, &export)
			} else {
				_, err = m.Import(ctx, bytes.NewReader(export.Bytes()), true)
				export.Reset()
			}
		}
		if err != nil && !errors.Is(err, directory.ErrNotFound) && !errors.Is(err, directory.ErrAlreadyExists) &&
			!errors.Is(err, directory.ErrNotEmpty) && !errors.Is(err, directory.ErrInvalidCredentials) &&
			!errors.Is(err, directory.ErrAccountLocked) && !errors.Is(err, directory.ErrAccountDisabled) {
			t.Fatalf("step %d: %v", i, err)
		}
		if d := storeDiff(ctx, m, d, users, groups, ous); d != "" {
			t.Fatalf("step %d: %s", i, d)
		}
	}
	after := m.Stats()
	t.Logf("reads: %d answered by the model, %d by the store", after.Served-before.Served, after.Routed-before.Routed)
	if after.Served-before.Served == 0 {
		t.Error("the model answered no read")
	}
}

// storeDiff compares the lookups through the model with the store's own,
// "" when every one agrees.
func storeDiff(ctx context.Context, m, d directory.Directory, users, groups, ous []string) string {
	for _, id := range users {
		u, err := d.GetUser(ctx, directory.ByID(id))
		refs := []directory.Ref{directory.ByID(id)}
		if err == nil {
			refs = append(refs, directory.ByDN(u.DN), directory.ByName(u.Username), directory.ByNumber(u.UIDNumber))
		}
		for _, ref := range refs {
			if s := sameRead(ctx, "GetUser "+ref.String(), m.GetUser, d.GetUser, ref); s != "" {
				return s
			}
		}
	}
	for _, id := range groups {
		if s := sameRead(ctx, "GetGroup "+id, m.GetGroup, d.GetGroup, directory.ByID(id)); s != "" {
			return s
		}
	}
	for _, dn := range ous {
		if s := sameRead(ctx, "GetOU "+dn, m.GetOU, d.GetOU, directory.ByDN(dn)); s != "" {
			return s
		}
	}
	q := directory.Query{Limit: 20}
	search := func(dir directory.Directory) func(context.Context, directory.Query) (directory.Page[directory.User], error) {
		return dir.SearchUsers
	}
	return sameRead(ctx, "SearchUsers", search(m), search(d), q)
}

func sameRead[A, T any](ctx context.Context, what string, model, store func(context.Context, A) (T, error), arg A) string {
	got, gotErr := model(ctx, arg)
	want, wantErr := store(ctx, arg)
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && identity.Kind(gotErr) != identity.Kind(wantErr) {
		return fmt.Sprintf("%s:\n model error %v\n store error %v", what, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s:\n model %+v\n store %+v", what, got, want)
	}
	return ""
}
