package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// BenchmarkReadModel compares the store's reads answered by itself
// (direct) and through its read model (`readModel: on`), on one store of
// 10,000 users: GetUser by name, id and DN, a first page of 50 users in
// the default order, and a page by surname.
//
//	go test -run '^$' -bench BenchmarkReadModel -benchmem ./pkg/directory/embedded
func BenchmarkReadModel(b *testing.B) {
	d := benchStore(b)
	m := readmodel.New(d, d.ReadModelFeed(), readmodel.Config{MaxLag: time.Second, Log: quiet})
	b.Cleanup(func() { m.Close() })
	ctx := context.Background()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	must(b, m.WaitServing(wctx))
	u, err := d.GetUser(ctx, directory.ByName("user04242"))
	must(b, err)
	reads := []struct {
		name string
		read func(dir directory.Directory) error
	}{
		{"GetUser/ByName", func(dir directory.Directory) error {
			_, err := dir.GetUser(ctx, directory.ByName("user04242"))
			return err
		}},
		{"GetUser/ByID", func(dir directory.Directory) error {
			_, err := dir.GetUser(ctx, directory.ByID(u.ID))
			return err
		}},
		{"GetUser/ByDN", func(dir directory.Directory) error {
			_, err := dir.GetUser(ctx, directory.ByDN(u.DN))
			return err
		}},
		{"Page50/ByUsername", func(dir directory.Directory) error {
			_, err := dir.SearchUsers(ctx, directory.Query{Limit: 50, Offset: 5000})
			return err
		}},
		{"Page50/BySurname", func(dir directory.Directory) error {
			_, err := dir.SearchUsers(ctx, directory.Query{Sort: []directory.SortKey{{Field: directory.FieldSurname}}, Limit: 50, Offset: 5000})
			return err
		}},
	}
	for _, r := range reads {
		for _, via := range []struct {
			name string
			dir  directory.Directory
		}{{"direct", d}, {"model", m}} {
			b.Run(r.name+"/"+via.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := r.read(via.dir); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	s := m.Stats()
	b.Logf("through the model: %d reads answered by it, %d passed to the store", s.Served, s.Routed)
}
