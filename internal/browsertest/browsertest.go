// Package browsertest drives a real headless Chromium (Debian's chromium package) from Go
// tests, through the DevTools protocol (chromedp).
//
// Without a Chromium on PATH the test is skipped with how to install it, except when the
// environment has CI=true: CI must run these tests, so there it fails. When a test fails,
// a screenshot of the page is kept as an artifact (see [ArtifactsDir]).
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// binaries are the names Chromium is installed under, Debian's first. CHROME_PATH, when
// set, is used instead.
var binaries = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ArtifactsEnv names the directory failing tests keep their screenshots in; by default
// test-artifacts/ at the module's root (ignored by git), which CI can upload.
const ArtifactsEnv = "PHONENUMBERS_TEST_ARTIFACTS"

// DefaultTimeout bounds a whole browser session of one test: a page that never does what
// the test waits for fails the test instead of hanging it.
const DefaultTimeout = 60 * time.Second

// Find returns the path of the Chromium binary; it skips the test, or fails it under
// CI=true, when there is none.
func Find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range binaries {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium is not installed: install it (Debian/Ubuntu: sudo apt-get install chromium; or `make browser-deps`; or set CHROME_PATH) to run the browser tests"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: these tests must run in CI)")
	}
	t.Skip(msg)
	return ""
}

// New starts a headless Chromium for t, with a fresh profile and no network of its own
// (no background requests, which a closed network refuses), and returns a chromedp
// context for one tab. The browser is closed at cleanup; when t has failed by then, a
// screenshot of the tab is written to the artifacts directory first and its path logged.
func New(t testing.TB) context.Context {
	t.Helper()
	bin := Find(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	// The first Run starts the browser, which lives as long as the context given to it:
	// the tab's own, so that the browser outlives the test's deadline and a failed test
	// still gets its screenshot. A broken install fails here, named.
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("browsertest: start %s: %v", bin, err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, DefaultTimeout)
	t.Cleanup(func() {
		if t.Failed() {
			keepScreenshot(t, tab)
		}
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// keepScreenshot writes a full-page screenshot of the tab for a failed test.
func keepScreenshot(t testing.TB, ctx context.Context) {
	shotCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Logf("browsertest: no screenshot of the failed test: %v", err)
		return
	}
	dir := ArtifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("browsertest: no screenshot of the failed test: %v", err)
		return
	}
	path := filepath.Join(dir, artifactName(t.Name())+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("browsertest: no screenshot of the failed test: %v", err)
		return
	}
	t.Logf("browsertest: screenshot of the page when the test failed: %s", path)
}

// ArtifactsDir is where failing browser tests keep screenshots: $PHONENUMBERS_TEST_ARTIFACTS,
// or test-artifacts/ at the root of the module the test runs in.
func ArtifactsDir() string {
	if d := os.Getenv(ArtifactsEnv); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join(os.TempDir(), "phonenumbers-test-artifacts")
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "test-artifacts")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "test-artifacts")
		}
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// artifactName turns a test name (with subtests' slashes) into a file name.
func artifactName(name string) string {
	return strings.Trim(unsafeName.ReplaceAllString(name, "_"), "_")
}

// Errorf formats a failure with the page's address, for messages that would otherwise
// not say which page failed.
func Errorf(ctx context.Context, format string, args ...any) error {
	loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	return fmt.Errorf("%s (page %s)", fmt.Sprintf(format, args...), loc)
}
