package client_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// TestScriptedDrops (issue 23): against the mock's scripted connection faults, the client
// retries a reset and a truncated body as transport errors and gets the operation; when
// every try is dropped, the error is typed (the reset, or an unexpected EOF), never a hang.
func TestScriptedDrops(t *testing.T) {
	tests := []struct {
		name    string
		faults  []mock.Fault
		wantErr error // nil: the operation comes back
	}{
		{"reset, then truncated, then answered", []mock.Fault{{Requests: []int{1}, Drop: "reset"}, {Requests: []int{2}, Drop: "truncate"}}, nil},
		{"every try reset", []mock.Fault{{Requests: []int{1, 2, 3, 4}, Drop: "reset"}}, syscall.ECONNRESET},
		{"every try truncated", []mock.Fault{{Requests: []int{1, 2, 3, 4}, Drop: "truncate"}}, io.ErrUnexpectedEOF},
		{"every try 503", []mock.Fault{{Requests: []int{1, 2, 3, 4}, Status: 503}}, &azcore.ResponseError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := mock.Operation{ID: "d", OperationType: types.PhoneNumberOperationTypeSearch, Faults: tt.faults,
				Timeline: []mock.Step{{Status: types.PhoneNumberOperationStatusRunning}}}
			store, err := mock.NewMemoryStore([]mock.Operation{op}, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv, err := mock.New(store, &mock.Options{Options: server.Options{AccessKey: testKey}})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			c := keyClient(t, ts.URL, &client.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: fastRetries()}})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, err := c.GetOperation(ctx, "d", nil)
			var re *azcore.ResponseError
			switch {
			case tt.wantErr == nil:
				if err != nil || got.Status != types.PhoneNumberOperationStatusRunning {
					t.Fatalf("got %+v, %v", got, err)
				}
			case errors.As(tt.wantErr, &re):
				if !errors.As(err, &re) || re.StatusCode != 503 || re.ErrorCode != "ServiceUnavailable" {
					t.Fatalf("err = %v, want a 503 ServiceUnavailable *azcore.ResponseError", err)
				}
			default:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			}
			if ctx.Err() != nil {
				t.Fatal("the call ran into its deadline")
			}
			if st, _ := store.Lookup("d"); st.Faults[0].Fired+sum(st.Faults[1:]) != min(4, totalListed(tt.faults)) {
				t.Errorf("%d tries reached the server, want %d", st.Faults[0].Fired+sum(st.Faults[1:]), min(4, totalListed(tt.faults)))
			}
		})
	}
}

func sum(states []mock.FaultState) int {
	n := 0
	for _, s := range states {
		n += s.Fired
	}
	return n
}

func totalListed(faults []mock.Fault) int {
	n := 0
	for _, f := range faults {
		n += len(f.Requests)
	}
	return n
}
