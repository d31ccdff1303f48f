package types_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Statuses compare case-insensitively and unknown ones are not errors: the enum is
// extensible, and 2021 traffic spelled them in PascalCase.
func ExamplePhoneNumberOperationStatus_IsTerminal() {
	for _, s := range []string{"running", "notStarted", "Succeeded", "failed", "paused"} {
		st := types.PhoneNumberOperationStatus(s)
		fmt.Println(s, st.IsTerminal(), st.Normalize())
	}
	// Output:
	// running false running
	// notStarted false notStarted
	// Succeeded true succeeded
	// failed true failed
	// paused false paused
}

// A CommunicationError is a Go error; its innererror is reachable with errors.Unwrap.
func ExampleCommunicationError() {
	var resp types.CommunicationErrorResponse
	_ = json.Unmarshal([]byte(`{"error":{"code":"InternalError","message":"The server encountered an internal error.",
		"innererror":{"code":"BadRequest","message":"Invalid phone number."}}}`), &resp)
	var err error = &resp.Error
	fmt.Println(err)
	fmt.Println(errors.Unwrap(err))
	// Output:
	// InternalError: The server encountered an internal error.
	// BadRequest: Invalid phone number.
}
