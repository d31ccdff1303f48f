package types_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

const seedJSON = `{
  "status": "succeeded",
  "resourceLocation": "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28",
  "createdDateTime": "2020-11-19T16:31:49.048Z",
  "id": "search-my-operation-id",
  "operationType": "search",
  "lastActionDateTime": "2020-11-19T22:31:49.048Z"
}`

func TestSeedExampleRoundTrip(t *testing.T) {
	var op types.PhoneNumberOperation
	dec := json.NewDecoder(strings.NewReader(seedJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&op); err != nil {
		t.Fatalf("decode seed: %v", err)
	}
	if op.ID != "search-my-operation-id" || op.Status != types.PhoneNumberOperationStatusSucceeded ||
		op.OperationType != types.PhoneNumberOperationTypeSearch {
		t.Fatalf("decoded %+v", op)
	}
	out, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	if err := json.Unmarshal([]byte(seedJSON), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	wantB, _ := json.Marshal(want)
	gotB, _ := json.Marshal(got)
	if !bytes.Equal(wantB, gotB) {
		t.Fatalf("round trip changed the document:\nwant %s\ngot  %s", wantB, gotB)
	}
}

// recording is the normalized recording format kept in testdata/recordings.
type recording struct {
	Entries []struct {
		APIVersion   string          `json:"apiVersion"`
		Method       string          `json:"method"`
		URL          string          `json:"url"`
		Status       int             `json:"status"`
		ResponseBody json.RawMessage `json:"responseBody"`
	} `json:"entries"`
}

func TestRecordedOperationsDecode(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "recordings", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recordings found: %v", err)
	}
	n := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rec recording
		if err := json.Unmarshal(raw, &rec); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, e := range rec.Entries {
			if e.APIVersion != types.DefaultAPIVersion || e.Method != "GET" || e.Status != 200 ||
				!strings.Contains(e.URL, "/phoneNumbers/operations/") {
				continue
			}
			n++
			var op types.PhoneNumberOperation
			dec := json.NewDecoder(bytes.NewReader(e.ResponseBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&op); err != nil {
				t.Errorf("%s entry %d: %v", filepath.Base(f), i, err)
				continue
			}
			if op.CreatedDateTime.IsZero() || op.ID == "" || op.Status == "" || op.OperationType == "" {
				t.Errorf("%s entry %d: required field missing in %+v", filepath.Base(f), i, op)
			}
			if op.LastActionDateTime == nil || op.LastActionDateTime.Year() != 1 {
				t.Errorf("%s entry %d: lastActionDateTime = %v, want year 0001 as live", filepath.Base(f), i, op.LastActionDateTime)
			}
			if !op.OperationType.Normalize().Valid() || !op.Status.Normalize().Valid() {
				t.Errorf("%s entry %d: unexpected enum values %q/%q", filepath.Base(f), i, op.OperationType, op.Status)
			}
		}
	}
	if n != 41 {
		t.Fatalf("decoded %d recorded 2022-12-01 operation GETs, want 41", n)
	}
}

func TestUnknownEnumValuesDecode(t *testing.T) {
	body := `{"operationType":"reservationPurchase","status":"Paused","resourceLocation":null,
	  "createdDateTime":"2025-04-08T10:00:00.12345+00:00","id":"reservationPurchase_x","lastActionDateTime":"0001-01-01T00:00:00+00:00"}`
	var op types.PhoneNumberOperation
	if err := json.Unmarshal([]byte(body), &op); err != nil {
		t.Fatalf("unknown enum values must decode: %v", err)
	}
	if op.OperationType != "reservationPurchase" || op.OperationType.Valid() {
		t.Errorf("operationType = %q, valid=%v", op.OperationType, op.OperationType.Valid())
	}
	if op.ResourceLocation != nil {
		t.Errorf("resourceLocation = %q, want nil for JSON null", *op.ResourceLocation)
	}
	if op.Status.IsTerminal() {
		t.Errorf("unknown status %q must not be terminal", op.Status)
	}
	if got := op.CreatedDateTime.Sub(time.Date(2025, 4, 8, 10, 0, 0, 123450000, time.UTC)); got != 0 {
		t.Errorf("createdDateTime off by %v", got)
	}
}

func TestStatusHelpers(t *testing.T) {
	tests := []struct {
		in                                  string
		canonical                           types.PhoneNumberOperationStatus
		terminal, succeeded, failed, cancel bool
	}{
		{"notStarted", types.PhoneNumberOperationStatusNotStarted, false, false, false, false},
		{"NotStarted", types.PhoneNumberOperationStatusNotStarted, false, false, false, false},
		{"running", types.PhoneNumberOperationStatusRunning, false, false, false, false},
		{"succeeded", types.PhoneNumberOperationStatusSucceeded, true, true, false, false},
		{"Succeeded", types.PhoneNumberOperationStatusSucceeded, true, true, false, false},
		{"FAILED", types.PhoneNumberOperationStatusFailed, true, false, true, false},
		{"canceled", types.PhoneNumberOperationStatusCanceled, true, false, false, true},
		{"Cancelled", types.PhoneNumberOperationStatusCancelled, true, false, false, true},
		{"paused", "paused", false, false, false, false},
		{"", "", false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s := types.PhoneNumberOperationStatus(tt.in)
			if got := types.ParsePhoneNumberOperationStatus(tt.in); got != tt.canonical {
				t.Errorf("Parse = %q, want %q", got, tt.canonical)
			}
			if s.IsTerminal() != tt.terminal || s.IsSucceeded() != tt.succeeded ||
				s.IsFailed() != tt.failed || s.IsCanceled() != tt.cancel {
				t.Errorf("terminal=%v succeeded=%v failed=%v canceled=%v", s.IsTerminal(), s.IsSucceeded(), s.IsFailed(), s.IsCanceled())
			}
		})
	}
}

func TestOperationTypeParse(t *testing.T) {
	tests := map[string]types.PhoneNumberOperationType{
		"search":                        types.PhoneNumberOperationTypeSearch,
		"Search":                        types.PhoneNumberOperationTypeSearch,
		"Purchase":                      types.PhoneNumberOperationTypePurchase,
		"UpdatePhoneNumberCapabilities": types.PhoneNumberOperationTypeUpdatePhoneNumberCapabilities,
		"releasePhoneNumber":            types.PhoneNumberOperationTypeReleasePhoneNumber,
		"reservationPurchase":           "reservationPurchase",
	}
	for in, want := range tests {
		if got := types.ParsePhoneNumberOperationType(in); got != want {
			t.Errorf("Parse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCommunicationErrorIsAnError(t *testing.T) {
	target := "phonenumber"
	inner := &types.CommunicationError{Code: "BadRequest", Message: "Invalid phone number."}
	tests := []struct {
		name string
		err  *types.CommunicationError
		want string
	}{
		{"with target", &types.CommunicationError{Code: "NotFound", Message: "gone", Target: &target}, "NotFound: gone (phonenumber)"},
		{"without target", &types.CommunicationError{Code: "InternalError", Message: "boom", Innererror: inner}, "InternalError: boom"},
		{"nil", nil, "<nil CommunicationError>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	var err error = &types.CommunicationError{Code: "InternalError", Message: "boom", Innererror: inner}
	if errors.Unwrap(err) != inner {
		t.Errorf("Unwrap did not return the inner error")
	}
	if errors.Unwrap(inner) != nil {
		t.Errorf("Unwrap of an error without innererror must be nil")
	}
	// innererror is lower case on the wire.
	b, _ := json.Marshal(err)
	if !strings.Contains(string(b), `"innererror":`) {
		t.Errorf("marshal = %s, want an innererror key", b)
	}
}
