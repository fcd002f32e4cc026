package privacyidea_test

import (
	"net/http/httptest"
	"testing"

	"github.com/dirgate/dirgate/adapters/privacyidea"
	pt "github.com/dirgate/dirgate/adapters/privacyidea/privacyideatest"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestDialect runs the dialect's suite on the embedded backend, wired as
// the server wires it: the core over the directory, the dialect mounted on
// echo behind a bounded body.
func TestDialect(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, pt.Base)
	seedFixture(t, env.Domain)

	cfg := privacyidea.DefaultConfig()
	cfg.Secret = pt.Secret
	cfg.DefaultRealm = pt.Realm
	cfg.Resolvers = map[string]privacyidea.ResolverConfig{
		pt.Resolver:      {Subtree: pt.PeopleDN, Editable: true},
		pt.SalesResolver: {Domain: "example.com", Subtree: pt.SalesDN, Editable: true},
		pt.ReadOnly:      {Subtree: pt.PartnersDN},
	}
	cfg.Realms = map[string]privacyidea.RealmConfig{
		pt.Realm:      {Resolvers: []string{pt.Resolver}},
		pt.SalesRealm: {Resolvers: []string{pt.SalesResolver}},
		pt.ReadOnly:   {Resolvers: []string{pt.ReadOnly}},
	}
	cfg.Admins = privacyidea.AdminConfig{Groups: []string{pt.AdminGroup}, DNs: []string{pt.RealmAdminDN}}
	for _, p := range pt.Policies() {
		policy := privacyidea.AdminPolicy{Name: p["name"].(string), Admins: p["admins"].([]string), Actions: p["actions"].([]string)}
		if realms, ok := p["realms"].([]string); ok {
			policy.Realms = realms
		}
		cfg.Policies = append(cfg.Policies, policy)
	}
	srv := serve(t, cfg, env)
	pt.Run(t, pt.Env{URL: srv.URL, Dir: embeddedDirectory{env.Domain}, Output: env.Output})
}

// serve builds the dialect and serves it as internal/server does.
func serve(t *testing.T, cfg *privacyidea.Config, env *inproc.Env) *httptest.Server {
	t.Helper()
	d, err := cfg.Build(env.Deps(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(inproc.Mount(d, "", dialect.Listener{Network: "tcp"}))
	t.Cleanup(srv.Close)
	return srv
}

var root = identity.Caller{Name: "test", Dialect: "test"}

// seedFixture creates the suite's containers, admin group and accounts.
func seedFixture(t *testing.T, dom *identity.Domain) {
	t.Helper()
	ctx := t.Context()
	for _, name := range []string{"sales", "partners"} {
		if _, err := dom.CreateOU(ctx, root, directory.NewOU{ParentDN: pt.Base, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		acct   pt.Account
		parent string
	}{{pt.Admin, pt.PeopleDN}, {pt.RealmAdmin, pt.PeopleDN}, {pt.Partner, pt.PartnersDN}} {
		if _, err := dom.CreateUser(ctx, root, directory.NewUser{ParentDN: a.parent, Username: a.acct.Username, Password: a.acct.Password}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dom.CreateGroup(ctx, root, directory.NewGroup{ParentDN: pt.GroupsDN, Name: pt.AdminGroup,
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByName(pt.Admin.Username))}}); err != nil {
		t.Fatal(err)
	}
}

// embeddedDirectory reads users through the domain, bypassing the dialect.
type embeddedDirectory struct{ dom *identity.Domain }

func (d embeddedDirectory) User(t *testing.T, username string) *pt.Entry {
	t.Helper()
	u, err := d.dom.GetUser(t.Context(), root, directory.ByName(username))
	if err != nil {
		return nil
	}
	if u.Username != username { // the lookup ignores case; the suite asks for exact names
		return nil
	}
	return &pt.Entry{DN: u.DN, Username: u.Username, GivenName: u.GivenName, Surname: u.Surname, Mail: u.Mail,
		Mobile: u.Mobile, UIDNumber: u.UIDNumber}
}
