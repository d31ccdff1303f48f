package openapi_test

import (
	"context"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func TestEmbeddedSpecIsValid(t *testing.T) {
	spec, err := openapi.Load()
	if err != nil {
		t.Fatalf("load embedded spec: %v", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		t.Fatalf("spec does not validate: %v", err)
	}
	if spec.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", spec.OpenAPI)
	}
	if spec.Info.Version != types.DefaultAPIVersion {
		t.Errorf("info.version = %q, want %q", spec.Info.Version, types.DefaultAPIVersion)
	}
	op := spec.Paths.Value("/phoneNumbers/operations/{operationId}")
	if op == nil || op.Get == nil || op.Get.OperationID != "PhoneNumbers_GetOperation" {
		t.Fatalf("GET /phoneNumbers/operations/{operationId} with operationId PhoneNumbers_GetOperation missing (%v)", op)
	}
	for _, name := range []string{"PhoneNumberOperation", "PhoneNumberOperationStatus", "PhoneNumberOperationType",
		"CommunicationError", "CommunicationErrorResponse"} {
		if spec.Components.Schemas[name] == nil {
			t.Errorf("component schema %s missing", name)
		}
	}
	if spec.Servers[0].Variables["endpoint"].Default != types.DefaultEndpoint {
		t.Errorf("server variable default = %q", spec.Servers[0].Variables["endpoint"].Default)
	}
}

// TestVersionContracts: every known version loads; the versions whose descriptions list
// reservationPurchase (2023-10-01-preview and later previews but 2024-03/05, 2025-04-01 and
// later) accept it, the others do not; unknown versions are refused.
func TestVersionContracts(t *testing.T) {
	for _, v := range openapi.KnownVersions() {
		spec, err := openapi.LoadVersion(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		enum := spec.Components.Schemas["PhoneNumberOperationType"].Value
		err = enum.VisitJSON("reservationPurchase")
		withReservations := map[string]bool{"2023-10-01-preview": true, "2023-10-01-preview2": true, "2024-01-31-preview": true,
			"2024-08-31-preview": true, "2025-04-01-preview": true, "2025-04-15-preview": true}
		if wantOK := v >= "2025-04-01" || withReservations[v]; (err == nil) != wantOK {
			t.Errorf("%s: reservationPurchase accepted = %v, want %v", v, err == nil, wantOK)
		}
		if spec.Info.Version != v {
			t.Errorf("info.version = %q, want %q", spec.Info.Version, v)
		}
	}
	if _, err := openapi.LoadVersion("2099-01-01"); err == nil {
		t.Error("an unknown version loaded")
	}
	ga := openapi.GAVersions()
	if len(ga) != 8 || ga[0] != "2021-03-07" || ga[len(ga)-1] != "2025-06-01" {
		t.Errorf("GAVersions = %v", ga)
	}
}

func TestEmbeddedControlSpecIsValid(t *testing.T) {
	spec, err := openapi.LoadControl()
	if err != nil {
		t.Fatal(err)
	}
	op := spec.Components.Schemas["ScriptedOperation"]
	if op == nil || op.Value == nil {
		t.Fatal("control.yaml has no ScriptedOperation")
	}
	// The reference into phonenumbers.yaml resolved: the enum is there.
	if enum := op.Value.Properties["operationType"].Value.Enum; len(enum) == 0 {
		t.Errorf("operationType has no enum: the reference to phonenumbers.yaml did not resolve")
	}
}
