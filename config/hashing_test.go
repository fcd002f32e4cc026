package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/identity"
)

// TestPasswordHashingLimits: passwordHashing is read from the file and
// the environment (0s, the default, are left for the core to size to the
// machine), and negative limits are problems naming their keys.
func TestPasswordHashingLimits(t *testing.T) {
	withFakes(t)
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.PasswordHashing != (identity.HashingLimits{}) {
		t.Errorf("default passwordHashing %+v, want zeros (sized at start)", cfg.PasswordHashing)
	}

	_, err = Load(reg, Source{File: writeFile(t, goodYAML+"passwordHashing: {concurrency: -1, queue: -2}\n")})
	var got []string
	for _, p := range Problems(err) {
		got = append(got, p.Error())
	}
	for _, key := range []string{"passwordHashing.concurrency: must not be negative", "passwordHashing.queue: must not be negative"} {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, key) }) {
			t.Errorf("no problem %q among %q", key, got)
		}
	}

	t.Setenv("DIRGATE_PASSWORDHASHING_CONCURRENCY", "3")
	cfg, err = Load(reg, Source{File: writeFile(t, goodYAML+"passwordHashing: {queue: 7}\n")})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if want := (identity.HashingLimits{Concurrency: 3, Queue: 7}); cfg.PasswordHashing != want {
		t.Errorf("passwordHashing %+v, want %+v (queue from the file, concurrency from the environment)", cfg.PasswordHashing, want)
	}
}
