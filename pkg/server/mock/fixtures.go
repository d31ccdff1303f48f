package mock

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// FixtureFile is the shape of a fixtures file, in YAML or JSON:
//
//	operations:
//	  - id: purchase_1
//	    operationType: purchase
//	    timeline:
//	      - status: running
//	      - status: notStarted
//	        afterPolls: 2
//	      - status: succeeded
//	        afterPolls: 4
//
// See examples/fixtures.yaml for every field.
type FixtureFile struct {
	// Operations are the operations to serve (at least one).
	Operations []Operation `json:"operations"`
}

// maxFixtureBytes bounds a fixtures file.
const maxFixtureBytes = 64 << 20

// LoadFixtures reads and validates a fixtures file. On any error nothing is returned and
// the error names the file, the operation and the field.
func LoadFixtures(path string) ([]Operation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return ParseFixtures(path, data)
}

// ParseFixtures parses and validates fixtures (YAML or JSON); name is used in errors.
// Unknown fields are errors, so a misspelt field never goes unnoticed.
func ParseFixtures(name string, data []byte) ([]Operation, error) {
	if len(data) > maxFixtureBytes {
		return nil, fmt.Errorf("fixtures %s: file is larger than %d bytes", name, maxFixtureBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("fixtures %s: file is empty; want an \"operations\" list", name)
	}
	var f FixtureFile
	if err := yaml.UnmarshalStrict(data, &f); err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", name, err)
	}
	if len(f.Operations) == 0 {
		return nil, fmt.Errorf("fixtures %s: no operations; want a non-empty \"operations\" list", name)
	}
	if err := ValidateOperations(f.Operations); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("fixtures %s: %w", name, fe)
		}
		return nil, fmt.Errorf("fixtures %s: %w", name, err)
	}
	return f.Operations, nil
}
