package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phonenumbers-go/phonenumbers/internal/browsertest"
)

// TestRendersALoopbackPage is the harness's own check: the browser starts, loads a page
// served on loopback and runs its script.
func TestRendersALoopbackPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><title>t</title><p id="out"></p><script>document.getElementById("out").textContent = "ran " + (6*7)</script>`))
	}))
	defer srv.Close()
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(browsertest.Errorf(ctx, "%v", err))
	}
	got, err := chromedp.Run(ctx, chromedp.Text("#out"))
	if err != nil {
		t.Fatal(browsertest.Errorf(ctx, "%v", err))
	}
	if got != "ran 42" {
		t.Errorf("the page's script wrote %q, want %q", got, "ran 42")
	}
}

func TestArtifactName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"TestUI/keyed server", "TestUI_keyed_server"},
		{"TestX", "TestX"},
		{"a/../../b", "a_.._.._b"},
	} {
		if got := browsertest.ArtifactNameForTest(tc.in); got != tc.want {
			t.Errorf("artifactName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
