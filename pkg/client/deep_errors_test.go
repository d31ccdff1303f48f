package client_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// deepFailedBody is a failed operation whose error has depth inner errors under it.
func deepFailedBody(depth int) string {
	var b strings.Builder
	b.WriteString(`{"id":"op","operationType":"purchase","status":"failed","createdDateTime":"2023-07-14T19:48:16Z","resourceLocation":null,"error":`)
	for i := 0; i <= depth; i++ {
		b.WriteString(`{"code":"Nested","message":"level of a deep chain","innererror":`)
	}
	b.WriteString("null")
	b.WriteString(strings.Repeat("}", depth+1))
	b.WriteString("}")
	return b.String()
}

// TestDeepInnerErrorChain (issue 21, item 8): a failed operation whose innererror chain is
// as deep as the client's bound of 64 levels allows (62 inner errors; 9,500 levels once
// made one Error() call allocate 17.5 GB: the message grew by a copy per level) gives an
// error whose message shows 8 levels and counts the rest, built in one pass; the chain
// itself stays whole for errors.As. Deeper bodies: TestTooDeepBodyIsUnexpected.
func TestDeepInnerErrorChain(t *testing.T) {
	tests := []struct {
		depth    int
		wantMore string // "" when every level is shown
	}{
		{3, ""},
		{8, ""},
		{9, "… and 1 more inner errors"},
		{62, "… and 54 more inner errors"},
	}
	for _, tt := range tests {
		t.Run("depth "+strconv.Itoa(tt.depth), func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(http.StatusOK, http.Header{"Content-Type": {"application/json"}}, deepFailedBody(tt.depth))}}
			c, err := client.NewClientWithNoCredential("http://127.0.0.1:1", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.NewOperationPoller("op", &client.OperationPollerOptions{Frequency: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.PollUntilDone(context.Background(), nil)
			var failed *client.OperationFailedError
			if !errors.As(err, &failed) {
				t.Fatalf("err %v, want *OperationFailedError", err)
			}
			if got := client.InnerErrorDepth(failed.Err); got != tt.depth+1 {
				t.Errorf("the chain holds %d levels, want %d", got, tt.depth+1)
			}
			var msg string
			allocs := testing.AllocsPerRun(3, func() { msg = failed.Error() })
			if shown := strings.Count(msg, "(inner: "); shown != min(tt.depth, client.MaxInnerErrorsShown) {
				t.Errorf("%d levels shown: %s", shown, msg)
			}
			if tt.wantMore != "" && !strings.Contains(msg, tt.wantMore) {
				t.Errorf("message lacks %q: %s", tt.wantMore, msg)
			}
			if len(msg) > 16<<10 || allocs > 64 {
				t.Errorf("Error() is %d bytes in %.0f allocations; want a bounded message built in one pass", len(msg), allocs)
			}
			var ce *types.CommunicationError
			if !errors.As(err, &ce) || ce.Code != "Nested" {
				t.Errorf("errors.As finds %+v", ce)
			}
		})
	}
}

// TestInnerErrorTextIsBounded: each level shown is cut at 1 KiB, whatever the server sent.
func TestInnerErrorTextIsBounded(t *testing.T) {
	big := strings.Repeat("m", 1<<20)
	e := &client.OperationFailedError{
		Operation: types.PhoneNumberOperation{ID: "op", Status: types.PhoneNumberOperationStatusFailed},
		Err:       &types.CommunicationError{Code: "X", Message: big, Innererror: &types.CommunicationError{Code: "Y", Message: big}},
	}
	if n := len(e.Error()); n > 4<<10 {
		t.Fatalf("Error() is %d bytes", n)
	}
}

// TestTooDeepBodyIsUnexpected: a body nested past the client's 64 levels (a real answer
// nests at most 6) is an ErrUnexpectedResponse naming the bound, not a crash or a hang:
// from one level over to 9,500 inner errors (issue 21, item 8) and past encoding/json's
// own 10,000 levels, within the 4 MiB read limit.
func TestTooDeepBodyIsUnexpected(t *testing.T) {
	for _, depth := range []int{63, 9500, 10001} {
		t.Run("depth "+strconv.Itoa(depth), func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(http.StatusOK, http.Header{"Content-Type": {"application/json"}}, deepFailedBody(depth))}}
			c, err := client.NewClientWithNoCredential("http://127.0.0.1:1", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetOperation(context.Background(), "op", nil); !errors.Is(err, client.ErrUnexpectedResponse) || !strings.Contains(err.Error(), "deeper than 64 levels") {
				t.Fatalf("err %v, want ErrUnexpectedResponse naming the bound", err)
			}
		})
	}
}
