package console

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ScreenshotsEnv names a directory: when set, the test saves a screenshot
// of each view there (docs/console-*.png are made so).
const ScreenshotsEnv = "DIRGATE_SCREENSHOTS"

// stepTimeout bounds one browser step.
const stepTimeout = 30 * time.Second

// browser is one headless chromium tab and what its pages reported.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	// problems are console errors, CSP violations and uncaught exceptions.
	problems []string
}

// newBrowser starts headless chromium, or skips when it is not installed
// (never under CI=true).
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI=true forbids skipping: apt-get install chromium")
		}
		t.Skip("chromium is not installed: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // root in a container has no user namespace for the sandbox
		chromedp.DisableGPU,
		chromedp.WindowSize(1400, 1300),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	b := &browser{ctx: ctx}
	// The first call starts the browser, on a context without timeout (a
	// timeout there would stop the browser with it).
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, m.String()+" ("+m.URL+")")
				b.mu.Unlock()
			}
		}
	}()
	return b
}

func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func run[T any](t *testing.T, b *browser, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// text is an element's visible text.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return run(t, b, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// waitText waits until an element's text holds want.
func (b *browser) waitText(t *testing.T, sel, want string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		cancel()
		if err == nil && strings.Contains(s, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q within %s (%v); it shows:\n%s", sel, want, limit, err, s)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// screenshot saves the page as <dir>/console-<name>.png when
// DIRGATE_SCREENSHOTS is set.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		return
	}
	// The viewport, as PNG: what an operator sees on opening the view.
	png := run(t, b, "screenshot "+name, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, "console-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// noProblems fails on any error the pages logged: a CSP violation (an
// inline script or style, a file from elsewhere) shows up here.
func (b *browser) noProblems(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("the browser reported: %s", p)
	}
}
