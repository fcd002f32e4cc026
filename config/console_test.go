package config

import (
	"slices"
	"strings"
	"testing"
)

// TestConsoleNeedsItsSecretAndSaneBounds: an enabled console without a
// session secret of 32 bytes, or with bounds that would keep nothing, is
// refused with every problem named; a disabled one is not checked.
func TestConsoleNeedsItsSecretAndSaneBounds(t *testing.T) {
	withFakes(t)
	if _, err := Load(reg, Source{File: writeFile(t, goodYAML+"console: {enabled: false, sessionSecret: short}\n")}); err != nil {
		t.Fatalf("a disabled console is checked: %v", err)
	}
	_, err := Load(reg, Source{File: writeFile(t, goodYAML+"console: {enabled: true, sessionSecret: short, sessionLifetime: 1s, maxClients: 0, auditEntries: -1, retireAfter: 0s}\n")})
	var got []string
	for _, p := range Problems(err) {
		got = append(got, p.Error())
	}
	for _, want := range []string{
		"console.sessionSecret: must be at least 32 bytes", "console.sessionLifetime:", "console.maxClients:",
		"console.auditEntries:", "console.retireAfter:", "console.adminGroups: no group may log in",
	} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, want) }) {
			t.Errorf("missing problem %q; got:\n%s", want, strings.Join(got, "\n"))
		}
	}
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML+"console: {enabled: true, sessionSecret: "+strings.Repeat("s", 32)+", adminGroups: [ops]}\n")})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Console.Enabled || cfg.Console.MaxClients != DefaultConsoleMaxClients || !slices.Equal(cfg.ConsoleAdminGroups(), []string{"ops"}) {
		t.Errorf("console = %+v", cfg.Console)
	}
}
