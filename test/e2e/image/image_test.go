// Package image builds the container image the way the README says
// (`make image`) with buildah, and checks what it holds: the OCI labels,
// the licence, the health check, and a binary that runs and reports the
// version the labels name.
package image

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// installLine is how to get buildah on Debian/Ubuntu (.ci/run does it).
const installLine = "DEBIAN_FRONTEND=noninteractive apt-get install -y buildah"

// storage keeps the test's image apart from the machine's overlay setup,
// as the Makefile's BUILDAH_FLAGS do.
var storage = []string{"--storage-driver", "vfs"}

func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("the image test cannot run under CI=true: %s", why)
	}
	t.Skip(why)
}

func buildah(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, "buildah", append(storage, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("buildah %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return strings.TrimSpace(out.String())
}

func TestMakeImageBuildsALabelledImageThatRuns(t *testing.T) {
	if _, err := exec.LookPath("buildah"); err != nil {
		unavailable(t, "buildah is not installed ("+installLine+")")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "building with buildah's chroot isolation needs root here")
	}
	if _, err := exec.LookPath("make"); err != nil {
		unavailable(t, "make is not installed")
	}
	if exec.Command("docker", "info").Run() == nil {
		t.Skip("a docker daemon answers: make image would build with docker, which this test does not drive")
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	image := "localhost/dirgate-imagetest:" + hex.EncodeToString(suffix)

	containersBefore := buildah(t, "containers", "-aq")
	danglingBefore := buildah(t, "images", "-q", "--filter", "dangling=true")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	mk := exec.CommandContext(ctx, "make", "--no-print-directory", "image", "IMAGE="+image)
	mk.Dir = moduleRoot(t)
	if out, err := mk.CombinedOutput(); err != nil {
		t.Fatalf("make image: %v\n%s", err, out)
	}
	t.Cleanup(func() { buildah(t, "rmi", image) })
	// buildah leaves a working container and an untagged image for the
	// Dockerfile's stage alias; make image removes them.
	if after := buildah(t, "containers", "-aq"); after != containersBefore {
		t.Errorf("make image left containers behind: before %q, after %q", containersBefore, after)
	}
	if after := buildah(t, "images", "-q", "--filter", "dangling=true"); after != danglingBefore {
		t.Errorf("make image left untagged images behind: before %q, after %q", danglingBefore, after)
	}

	var inspected struct {
		OCIv1 struct {
			Config struct{ Labels map[string]string }
		}
		Docker struct {
			Config struct{ Healthcheck *struct{ Test []string } }
		}
	}
	if err := json.Unmarshal([]byte(buildah(t, "inspect", "--type", "image", image)), &inspected); err != nil {
		t.Fatal(err)
	}
	labels := inspected.OCIv1.Config.Labels
	for key, want := range map[string]string{
		"org.opencontainers.image.source":   "https://github.com/dirgate/dirgate",
		"org.opencontainers.image.licenses": "Apache-2.0",
		"org.opencontainers.image.title":    "dirgate",
	} {
		if labels[key] != want {
			t.Errorf("label %s = %q, want %q", key, labels[key], want)
		}
	}
	version := labels["org.opencontainers.image.version"]
	if version == "" || version == "dev" {
		t.Errorf("label org.opencontainers.image.version = %q: a build from a checkout names its commit", version)
	}
	if hc := inspected.Docker.Config.Healthcheck; hc == nil || !strings.Contains(strings.Join(hc.Test, " "), "dirgate healthcheck") {
		t.Errorf("the image has no health check (%+v): build with --format docker", hc)
	}

	ctr := buildah(t, "from", image)
	defer buildah(t, "rm", ctr)
	got := buildah(t, "run", "--isolation", "chroot", ctr, "--", "/usr/local/bin/dirgate", "version")
	if !strings.HasPrefix(got, "dirgate "+version+" ") {
		t.Errorf("dirgate version in the image = %q, want the labelled %q", got, version)
	}
	if flag := buildah(t, "run", "--isolation", "chroot", ctr, "--", "/usr/local/bin/dirgate", "--version"); flag != got {
		t.Errorf("--version %q differs from version %q", flag, got)
	}
	mount := buildah(t, "mount", ctr)
	defer buildah(t, "umount", ctr)
	if text, err := os.ReadFile(filepath.Join(mount, "usr/share/doc/dirgate/LICENSE")); err != nil || !bytes.Contains(text, []byte("Apache License")) {
		t.Errorf("the image lacks the licence: %v", err)
	}
}
