package mock

import (
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// TestIDLimitIsOneNumber: control.yaml states the id limit the server enforces; the two
// must not drift.
func TestIDLimitIsOneNumber(t *testing.T) {
	s, err := operationSchema()
	if err != nil {
		t.Fatal(err)
	}
	id := s.Properties["id"].Value
	if id.MaxLength == nil || *id.MaxLength != types.MaxOperationIDLength {
		t.Errorf("control.yaml ScriptedOperation.id maxLength = %v, want types.MaxOperationIDLength (%d)", id.MaxLength, types.MaxOperationIDLength)
	}
}

// TestEveryDeclaredFieldDecodes: the decoder knows every field the schema declares, so
// adding one to control.yaml needs no Go change to be accepted (and an undeclared one is
// refused): the schema, not a list kept by hand, decides.
func TestEveryDeclaredFieldDecodes(t *testing.T) {
	s, err := operationSchema()
	if err != nil {
		t.Fatal(err)
	}
	value := map[string]any{"id": "a", "operationType": "search", "timeline": []any{map[string]any{"status": "running"}}}
	if ps := checkSchema(s, value); len(ps) != 0 {
		t.Fatalf("a minimal operation: %v", ps)
	}
	for name := range properties(s) {
		if ps := checkSchema(s, map[string]any{name + "X": 1}); !hasUnknown(ps, name+"X") {
			t.Errorf("an undeclared %sX is not refused: %v", name, ps)
		}
	}
}

func hasUnknown(ps []problem, key string) bool {
	for _, p := range ps {
		if lastToken(p.pointer) == key {
			return true
		}
	}
	return false
}
