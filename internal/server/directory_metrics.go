package server

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// instrumented decorates a backend with latency and error metrics, so
// every backend is measured the same way without knowing about metrics.
type instrumented struct {
	next   directory.Directory
	domain string
	m      *Metrics
}

// InstrumentDirectory wraps dir so that each operation records its
// latency and, on failure, the kind of error, labelled with the domain.
func InstrumentDirectory(dir directory.Directory, domain string, m *Metrics) directory.Directory {
	if m == nil {
		return dir
	}
	return &instrumented{next: dir, domain: domain, m: m}
}

// observe records one operation; call it deferred with the operation's
// error.
func (d *instrumented) observe(op string, start time.Time, err error) {
	d.m.dirOps.WithLabelValues(d.domain, op).Observe(time.Since(start).Seconds())
	if err != nil {
		kind := errorKind(err)
		d.m.dirErrors.WithLabelValues(d.domain, op, kind).Inc()
		if directoryFault(err) {
			d.m.noteDirectoryError(d.domain, op, kind)
		}
	}
}

// directoryFault: the error says the directory is in trouble (it does not
// answer, it timed out, it failed in a way no sentinel names), not that
// the request was wrong; only those are a domain's "last error".
func directoryFault(err error) bool {
	return errors.Is(err, directory.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || errorKind(err) == "internal"
}

// errorKind is the error label of a failed operation: the name of its
// kind ("not found", "directory unavailable", "context canceled"), or
// "internal". The core's own kinds (forbidden, too many requests, unknown
// domain, misconfigured) never come out of a directory; should one, it is
// "internal" as it always was.
func errorKind(err error) string {
	switch k := identity.Kind(err); k {
	case identity.KindInternal, identity.KindForbidden, identity.KindTooManyRequests,
		identity.KindUnknownDomain, identity.KindMisconfigured:
		return "internal"
	default:
		return k.String()
	}
}

// call runs one operation and records it.
func call[T any](d *instrumented, op string, f func() (T, error)) (T, error) {
	start := time.Now()
	v, err := f()
	d.observe(op, start, err)
	return v, err
}

// call0 runs an operation that returns only an error and records it.
func call0(d *instrumented, op string, f func() error) error {
	start := time.Now()
	err := f()
	d.observe(op, start, err)
	return err
}

func (d *instrumented) CreateUser(ctx context.Context, u directory.NewUser) (*directory.User, error) {
	return call(d, "CreateUser", func() (*directory.User, error) { return d.next.CreateUser(ctx, u) })
}

func (d *instrumented) GetUser(ctx context.Context, ref directory.Ref) (*directory.User, error) {
	return call(d, "GetUser", func() (*directory.User, error) { return d.next.GetUser(ctx, ref) })
}

func (d *instrumented) UpdateUser(ctx context.Context, ref directory.Ref, p directory.UserPatch) (*directory.User, error) {
	return call(d, "UpdateUser", func() (*directory.User, error) { return d.next.UpdateUser(ctx, ref, p) })
}

func (d *instrumented) RenameUser(ctx context.Context, ref directory.Ref, newUsername string) (*directory.User, error) {
	return call(d, "RenameUser", func() (*directory.User, error) { return d.next.RenameUser(ctx, ref, newUsername) })
}

func (d *instrumented) MoveUser(ctx context.Context, ref directory.Ref, newParentDN string) (*directory.User, error) {
	return call(d, "MoveUser", func() (*directory.User, error) { return d.next.MoveUser(ctx, ref, newParentDN) })
}

func (d *instrumented) DeleteUser(ctx context.Context, ref directory.Ref) error {
	return call0(d, "DeleteUser", func() error { return d.next.DeleteUser(ctx, ref) })
}

func (d *instrumented) SearchUsers(ctx context.Context, q directory.Query) (directory.Page[directory.User], error) {
	return call(d, "SearchUsers", func() (directory.Page[directory.User], error) { return d.next.SearchUsers(ctx, q) })
}

func (d *instrumented) SetPassword(ctx context.Context, ref directory.Ref, password string, mustChange bool) error {
	return call0(d, "SetPassword", func() error { return d.next.SetPassword(ctx, ref, password, mustChange) })
}

func (d *instrumented) ChangePassword(ctx context.Context, ref directory.Ref, oldPassword, newPassword string) error {
	return call0(d, "ChangePassword", func() error { return d.next.ChangePassword(ctx, ref, oldPassword, newPassword) })
}

func (d *instrumented) VerifyPassword(ctx context.Context, ref directory.Ref, password string) (*directory.User, error) {
	return call(d, "VerifyPassword", func() (*directory.User, error) { return d.next.VerifyPassword(ctx, ref, password) })
}

func (d *instrumented) SetEnabled(ctx context.Context, ref directory.Ref, enabled bool) error {
	return call0(d, "SetEnabled", func() error { return d.next.SetEnabled(ctx, ref, enabled) })
}

func (d *instrumented) Unlock(ctx context.Context, ref directory.Ref) error {
	return call0(d, "Unlock", func() error { return d.next.Unlock(ctx, ref) })
}

func (d *instrumented) CreateGroup(ctx context.Context, g directory.NewGroup) (*directory.Group, error) {
	return call(d, "CreateGroup", func() (*directory.Group, error) { return d.next.CreateGroup(ctx, g) })
}

func (d *instrumented) GetGroup(ctx context.Context, ref directory.Ref) (*directory.Group, error) {
	return call(d, "GetGroup", func() (*directory.Group, error) { return d.next.GetGroup(ctx, ref) })
}

func (d *instrumented) UpdateGroup(ctx context.Context, ref directory.Ref, p directory.GroupPatch) (*directory.Group, error) {
	return call(d, "UpdateGroup", func() (*directory.Group, error) { return d.next.UpdateGroup(ctx, ref, p) })
}

func (d *instrumented) RenameGroup(ctx context.Context, ref directory.Ref, newName string) (*directory.Group, error) {
	return call(d, "RenameGroup", func() (*directory.Group, error) { return d.next.RenameGroup(ctx, ref, newName) })
}

func (d *instrumented) DeleteGroup(ctx context.Context, ref directory.Ref) error {
	return call0(d, "DeleteGroup", func() error { return d.next.DeleteGroup(ctx, ref) })
}

func (d *instrumented) SearchGroups(ctx context.Context, q directory.Query) (directory.Page[directory.Group], error) {
	return call(d, "SearchGroups", func() (directory.Page[directory.Group], error) { return d.next.SearchGroups(ctx, q) })
}

func (d *instrumented) AddMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	return call0(d, "AddMember", func() error { return d.next.AddMember(ctx, group, member) })
}

func (d *instrumented) RemoveMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	return call0(d, "RemoveMember", func() error { return d.next.RemoveMember(ctx, group, member) })
}

func (d *instrumented) Members(ctx context.Context, group directory.Ref, indirect bool) ([]directory.Member, error) {
	return call(d, "Members", func() ([]directory.Member, error) { return d.next.Members(ctx, group, indirect) })
}

func (d *instrumented) MemberOf(ctx context.Context, member directory.PrincipalRef, indirect bool) ([]directory.Membership, error) {
	return call(d, "MemberOf", func() ([]directory.Membership, error) { return d.next.MemberOf(ctx, member, indirect) })
}

func (d *instrumented) CreateOU(ctx context.Context, ou directory.NewOU) (*directory.OU, error) {
	return call(d, "CreateOU", func() (*directory.OU, error) { return d.next.CreateOU(ctx, ou) })
}

func (d *instrumented) GetOU(ctx context.Context, ref directory.Ref) (*directory.OU, error) {
	return call(d, "GetOU", func() (*directory.OU, error) { return d.next.GetOU(ctx, ref) })
}

func (d *instrumented) ListOUs(ctx context.Context, base string, scope directory.Scope) ([]directory.OU, error) {
	return call(d, "ListOUs", func() ([]directory.OU, error) { return d.next.ListOUs(ctx, base, scope) })
}

func (d *instrumented) Children(ctx context.Context, dn string) ([]directory.Entry, error) {
	return call(d, "Children", func() ([]directory.Entry, error) { return d.next.Children(ctx, dn) })
}

func (d *instrumented) DeleteOU(ctx context.Context, ref directory.Ref, recursive bool) error {
	return call0(d, "DeleteOU", func() error { return d.next.DeleteOU(ctx, ref, recursive) })
}

func (d *instrumented) Resolve(ctx context.Context, name string) ([]directory.Entry, error) {
	return call(d, "Resolve", func() ([]directory.Entry, error) { return d.next.Resolve(ctx, name) })
}

func (d *instrumented) AllocateID(ctx context.Context, kind directory.IDKind, r directory.Range) (int64, error) {
	return call(d, "AllocateID", func() (int64, error) { return d.next.AllocateID(ctx, kind, r) })
}

func (d *instrumented) Export(ctx context.Context, w io.Writer) (int, error) {
	return call(d, "Export", func() (int, error) { return d.next.Export(ctx, w) })
}

func (d *instrumented) Import(ctx context.Context, r io.Reader, replace bool) (directory.ImportResult, error) {
	return call(d, "Import", func() (directory.ImportResult, error) { return d.next.Import(ctx, r, replace) })
}

func (d *instrumented) Health(ctx context.Context) (directory.Health, error) {
	return call(d, "Health", func() (directory.Health, error) { return d.next.Health(ctx) })
}

func (d *instrumented) Reconnect(ctx context.Context) error {
	return call0(d, "Reconnect", func() error { return d.next.Reconnect(ctx) })
}

// Capabilities and BaseDN do no I/O: not measured.
func (d *instrumented) Capabilities() directory.Capabilities { return d.next.Capabilities() }

func (d *instrumented) BaseDN() string { return d.next.BaseDN() }

func (d *instrumented) Close() error { return d.next.Close() }

var _ directory.Directory = (*instrumented)(nil)
