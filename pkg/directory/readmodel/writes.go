package readmodel

import (
	"context"
	"io"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Writes go to the backend. Once the backend has answered, the write
// waits until the change stream has brought the model to the server's
// position at that moment, which holds the write (read-your-writes): the
// model then has the write's whole effect as the server made it — refint
// renaming member values, ppolicy counting a failed logon — not a guess
// of it. If the stream does not get there within the lag bound, the
// model stops serving until the probe proves it fresh again, so no read
// can miss the write. A failed write waits too: it may have changed
// something before failing.

// settle waits for the stream to hold every change acknowledged so far.
// When the model does not serve, the write does not wait, but the model
// must not serve again without it: a proof of freshness asked before the
// write may complete after it, while the stream has not yet brought the
// write. So the server's position after the write is owed: the model
// serves only once it holds it or a proof asked later succeeded (or, if
// the server did not answer, only on a proof asked after the write).
func (d *Directory) settle(ctx context.Context) {
	if d.Off() {
		return // never serves: nothing to wait for or owe
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.maxLag)
	defer cancel()
	if !d.serving() {
		want, err := d.feed.Position(ctx)
		if err != nil {
			want = nil
		}
		d.owe(want)
		return
	}
	if want, ok := d.await(ctx); !ok {
		d.mu.Lock()
		d.lastFresh = time.Time{}
		d.mu.Unlock()
		d.owe(want)
		d.log.Warn("read model: a write did not reach the model within the lag bound; reads go to the directory until it catches up")
	}
}

// owe records a position the model must hold before it serves again; nil
// (the server's position unknown) fences off proofs asked before now.
func (d *Directory) owe(want Position) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if want == nil {
		d.fence = time.Now()
		return
	}
	d.owed, d.owedAt = d.owed.Merge(want), time.Now()
}

// settledErr is settled for a write that returns only an error.
func (d *Directory) settledErr(ctx context.Context, err error) error {
	d.settle(ctx)
	return err
}

func settled[T any](d *Directory, ctx context.Context, v T, err error) (T, error) {
	d.settle(ctx)
	return v, err
}

func (d *Directory) CreateUser(ctx context.Context, u directory.NewUser) (*directory.User, error) {
	v, err := d.Directory.CreateUser(ctx, u)
	return settled(d, ctx, v, err)
}

func (d *Directory) UpdateUser(ctx context.Context, ref directory.Ref, p directory.UserPatch) (*directory.User, error) {
	v, err := d.Directory.UpdateUser(ctx, ref, p)
	return settled(d, ctx, v, err)
}

func (d *Directory) RenameUser(ctx context.Context, ref directory.Ref, name string) (*directory.User, error) {
	v, err := d.Directory.RenameUser(ctx, ref, name)
	return settled(d, ctx, v, err)
}

func (d *Directory) MoveUser(ctx context.Context, ref directory.Ref, parent string) (*directory.User, error) {
	v, err := d.Directory.MoveUser(ctx, ref, parent)
	return settled(d, ctx, v, err)
}

func (d *Directory) DeleteUser(ctx context.Context, ref directory.Ref) error {
	return d.settledErr(ctx, d.Directory.DeleteUser(ctx, ref))
}

func (d *Directory) SetPassword(ctx context.Context, ref directory.Ref, password string, mustChange bool) error {
	return d.settledErr(ctx, d.Directory.SetPassword(ctx, ref, password, mustChange))
}

func (d *Directory) ChangePassword(ctx context.Context, ref directory.Ref, oldPassword, newPassword string) error {
	return d.settledErr(ctx, d.Directory.ChangePassword(ctx, ref, oldPassword, newPassword))
}

// VerifyPassword always binds to the directory; a logon changes the
// account's failure count and lock, which the next read must show.
func (d *Directory) VerifyPassword(ctx context.Context, ref directory.Ref, password string) (*directory.User, error) {
	v, err := d.Directory.VerifyPassword(ctx, ref, password)
	return settled(d, ctx, v, err)
}

func (d *Directory) SetEnabled(ctx context.Context, ref directory.Ref, enabled bool) error {
	return d.settledErr(ctx, d.Directory.SetEnabled(ctx, ref, enabled))
}

func (d *Directory) Unlock(ctx context.Context, ref directory.Ref) error {
	return d.settledErr(ctx, d.Directory.Unlock(ctx, ref))
}

func (d *Directory) CreateGroup(ctx context.Context, g directory.NewGroup) (*directory.Group, error) {
	v, err := d.Directory.CreateGroup(ctx, g)
	return settled(d, ctx, v, err)
}

func (d *Directory) UpdateGroup(ctx context.Context, ref directory.Ref, p directory.GroupPatch) (*directory.Group, error) {
	v, err := d.Directory.UpdateGroup(ctx, ref, p)
	return settled(d, ctx, v, err)
}

func (d *Directory) RenameGroup(ctx context.Context, ref directory.Ref, name string) (*directory.Group, error) {
	v, err := d.Directory.RenameGroup(ctx, ref, name)
	return settled(d, ctx, v, err)
}

func (d *Directory) DeleteGroup(ctx context.Context, ref directory.Ref) error {
	return d.settledErr(ctx, d.Directory.DeleteGroup(ctx, ref))
}

func (d *Directory) AddMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	return d.settledErr(ctx, d.Directory.AddMember(ctx, group, member))
}

func (d *Directory) RemoveMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	return d.settledErr(ctx, d.Directory.RemoveMember(ctx, group, member))
}

func (d *Directory) CreateOU(ctx context.Context, ou directory.NewOU) (*directory.OU, error) {
	v, err := d.Directory.CreateOU(ctx, ou)
	return settled(d, ctx, v, err)
}

func (d *Directory) DeleteOU(ctx context.Context, ref directory.Ref, recursive bool) error {
	return d.settledErr(ctx, d.Directory.DeleteOU(ctx, ref, recursive))
}

func (d *Directory) Import(ctx context.Context, r io.Reader, replace bool) (directory.ImportResult, error) {
	v, err := d.Directory.Import(ctx, r, replace)
	return settled(d, ctx, v, err)
}
