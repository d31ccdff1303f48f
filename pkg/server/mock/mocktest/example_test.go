package mocktest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/mocktest"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// exampleT stands in for the *testing.T a real test has (examples get none): it runs the
// cleanups at the end and prints failures.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                      {}
func (t *exampleT) Cleanup(f func())             { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(f string, args ...any) { fmt.Printf("FAIL: "+f+"\n", args...) }
func (t *exampleT) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A test starts the mock with its own operations and a key, lets the code under test poll
// through the wire (signed), and then verifies what was sent.
func ExampleNew() {
	t := &exampleT{}
	defer t.done()
	m := mocktest.New(t, &mocktest.Options{AccessKey: mocktest.TestKey, Operations: []mock.Operation{{
		ID: "purchase_1", OperationType: types.PhoneNumberOperationTypePurchase,
		Timeline: []mock.Step{{Status: "running"}, {Status: "notStarted", AfterPolls: 1}, {Status: "succeeded", AfterPolls: 2}},
	}}})

	poller, err := m.Client.NewOperationPoller("purchase_1", &client.OperationPollerOptions{Frequency: time.Millisecond})
	if err != nil {
		panic(err)
	}
	op, err := poller.PollUntilDone(context.Background(), nil)
	fmt.Println(op.Status, err)

	m.AssertRequests(t, mocktest.Query{Operation: "purchase_1", Method: "GET", Status: 200}, 3)
	fmt.Println(len(m.Requests(t, mocktest.Query{Operation: "purchase_1"})), "requests")
	// Output:
	// succeeded <nil>
	// 3 requests
}
