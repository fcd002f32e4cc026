package serve

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// brokenConfig has one problem per line of wantProblems.
const brokenConfig = `
listen: not-an-address
colour: blue
server:
  bodyLimit: 0
  shutdownGrace: soon
  readTimeout: 30
log: {level: chatty}
domains:
  - name: example.com
    uidRange: {min: 100, max: 10}
    backend:
      type: embedded
      config:
        noSuchSetting: 1
  - backend: {type: floppy}
dialects:
  gopher: {}
`

var wantProblems = []string{
	"colour: unknown key",
	"server.shutdownGrace: ",
	"server.readTimeout: 30 has no unit: write 30s",
	"listen: \"not-an-address\" is not host:port",
	"log.level: \"chatty\" is not one of",
	"server.bodyLimit: must be a positive number of bytes",
	"domains[0].uidRange: ",
	"domains[0].backend.config.noSuchSetting: unknown key",
	"domains[1].name: required",
	"domains[1].backend.type: unknown backend \"floppy\"",
	"dialects.gopher: unknown dialect",
}

func TestBrokenConfigListsEveryProblem(t *testing.T) {
	path := t.TempDir() + "/broken.yaml"
	if err := writeFile(path, brokenConfig); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"config", "check", "--config", path},
		{"serve", "--config", path, "--data-dir", t.TempDir()}, // no --listen: it would hide the bad listen
	} {
		t.Run(args[0], func(t *testing.T) {
			res := e2eutil.Run(t, nil, args...)
			if res.Code == 0 {
				t.Fatalf("dirgate %s accepted a broken configuration\n%s", args[0], res.Stderr)
			}
			for _, want := range wantProblems {
				if !hasLine(res.Stderr, want) {
					t.Errorf("no problem line starting %q", want)
				}
			}
			if t.Failed() {
				t.Logf("stderr:\n%s", res.Stderr)
			}
		})
	}
}

func TestConfigCheckAcceptsTheQuickStart(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	p.Stop()
	res := e2eutil.Run(t, nil, "config", "check", "--data-dir", p.DataDir)
	if res.Code != 0 || !strings.Contains(res.Stdout, "is valid") {
		t.Errorf("config check of the quick start: %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}

	// config print shows the effective configuration, flags included, and
	// none of the quick start's secrets.
	other := e2eutil.FreeAddr(t)
	res = e2eutil.Run(t, nil, "config", "print", "--data-dir", p.DataDir, "--listen", other)
	if res.Code != 0 || !strings.Contains(res.Stdout, "listen: "+other) || !strings.Contains(res.Stdout, `"********"`) {
		t.Errorf("config print: %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	creds := p.Credentials()
	secrets := []string{creds["admin"].(map[string]any)["password"].(string)}
	for _, section := range []string{"adweb", "kanboard"} {
		for k, v := range creds[section].(map[string]any) {
			if k == "apiSecret" || k == "token" {
				secrets = append(secrets, v.(string))
			}
		}
	}
	for _, s := range secrets {
		if strings.Contains(res.Stdout, s) {
			t.Errorf("config print shows a secret: %.4s…", s)
		}
	}
}

// hasLine: some line of out, trimmed of the list marker, starts with want.
func hasLine(out, want string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimPrefix(strings.TrimSpace(l), "- "), want) {
			return true
		}
	}
	return false
}

// TestServeRefusesTheExamplesPlaceholderSecrets: a copy of
// config/dirgate.example.yaml does not serve with its change-me secrets;
// serve and config check name each one, and nothing is listened on.
func TestServeRefusesTheExamplesPlaceholderSecrets(t *testing.T) {
	example, err := filepath.Abs(filepath.Join("..", "..", "..", "config", "dirgate.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"config", "check", "--config", example},
		{"serve", "--config", example, "--data-dir", t.TempDir(), "--listen", e2eutil.FreeAddr(t)},
	} {
		res := e2eutil.Run(t, nil, args...)
		if res.Code == 0 {
			t.Fatalf("dirgate %s accepted the example's placeholder secrets", args[0])
		}
		for _, key := range []string{"domains[0].backend.config.bindPassword", "dialects.kanboard.config.token",
			"dialects.openapi.config.jwtSecret", "dialects.openapi.config.invitations.secret", "dialects.privacyidea.config.secret"} {
			if !hasLine(res.Stderr, key+": still holds the example's placeholder") {
				t.Errorf("%s: no problem for %s:\n%s", args[0], key, res.Stderr)
			}
		}
	}
}
