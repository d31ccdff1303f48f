package mock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestThirdAttackReview_LargeAnswersBounds (item 16): a waiter whose request ends while every build slot is taken is
// answered 503 (not 500); built answers are held within the byte bound, and one is always
// admitted when none is held.
func TestThirdAttackReview_LargeAnswersBounds(t *testing.T) {
	a := newLargeAnswers(1, 100)
	a.building <- struct{}{} // every slot taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := echo.New()
	c := e.NewContext(httptest.NewRequestWithContext(ctx, http.MethodGet, "/mock/journal", nil), httptest.NewRecorder())
	err := a.middleware(func(echo.Context) error { t.Fatal("built without a slot"); return nil })(c)
	if err == nil || !strings.Contains(err.Error(), "busy") {
		t.Fatalf("err = %v, want a busy error", err)
	}
	<-a.building

	tests := []struct {
		n    int
		want bool
	}{
		{1000, true}, // alone: admitted though over the bound
		{1, false},   // the bound is used
	}
	for _, tt := range tests {
		if got := a.hold(tt.n); got != tt.want {
			t.Errorf("hold(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
	a.release(1000)
	if !a.hold(60) || !a.hold(40) || a.hold(1) {
		t.Error("the bound of 100 bytes is not applied exactly")
	}
}
