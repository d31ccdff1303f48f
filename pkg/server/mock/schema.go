package mock

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// The scripted-operation schema is openapi/control.yaml's ScriptedOperation: the Go types
// are generated from it (package control) and every operation, from a fixtures file, the
// control API or Go code, is validated against it here with kin-openapi. Adding a field is
// one edit of control.yaml and `make generate`; the checks below read names, types, enums,
// formats and bounds from the schema, never from lists kept by hand. What a schema cannot
// say (step order, which step may carry an error) is checked in operation.go.

// operationSchema loads ScriptedOperation once.
var operationSchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	spec, err := openapi.LoadControl()
	if err != nil {
		return nil, err
	}
	ref := spec.Components.Schemas["ScriptedOperation"]
	if ref == nil || ref.Value == nil {
		return nil, errors.New("mock: openapi/control.yaml has no ScriptedOperation schema")
	}
	flattenAllOf(ref.Value, map[*openapi3.Schema]bool{})
	return ref.Value, nil
})

// flattenAllOf replaces, in this private copy of the spec, every property and item that is
// only "allOf: [X]" (how OpenAPI 3.0 puts a description or readOnly beside a $ref) by X
// itself. The meaning is the same for validation, and kin-openapi formats every error
// found under an allOf into text at each level: an error chain of innererrors 28 deep with
// a list of scalars at the bottom cost 4.7 GB in one 40 KB request.
func flattenAllOf(s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	unwrap := func(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
		for ref != nil && ref.Value != nil && len(ref.Value.AllOf) == 1 && ref.Value.Type == nil && len(ref.Value.Properties) == 0 && ref.Value.Items == nil {
			ref = ref.Value.AllOf[0]
		}
		return ref
	}
	for k, p := range s.Properties {
		s.Properties[k] = unwrap(p)
		if s.Properties[k] != nil {
			flattenAllOf(s.Properties[k].Value, seen)
		}
	}
	if s.Items != nil {
		s.Items = unwrap(s.Items)
		flattenAllOf(s.Items.Value, seen)
	}
	for _, part := range s.AllOf {
		if part != nil {
			flattenAllOf(part.Value, seen)
		}
	}
}

// schemaOrError returns the schema, or why it did not load: the embedded spec is tested to
// load, so a failure here is a broken build.
func schemaOrError() (*openapi3.Schema, error) {
	s, err := operationSchema()
	if err != nil {
		return nil, fmt.Errorf("mock: load the operation schema: %w", err)
	}
	return s, nil
}

// maxProblems bounds how many problems one validation reports: enough to fix a file in one
// round, never a flood.
const maxProblems = 20

// problem is one violation of the schema, at a JSON pointer within one operation.
type problem struct {
	pointer []string
	reason  string
}

// checkSchema validates value (an operation as generic JSON values: map[string]any, []any,
// string, float64, bool, nil) against schema: kin-openapi for types, required fields,
// enums, formats and bounds; checkKeys for unknown fields and durations, which kin-openapi
// leaves to the caller. Enum violations are dropped when the operation sets allowUnknown.
func checkSchema(schema *openapi3.Schema, value any) []problem {
	allowUnknown := false
	if m, ok := value.(map[string]any); ok {
		allowUnknown, _ = m["allowUnknown"].(bool)
	}
	var out []problem
	err := schema.VisitJSON(value, openapi3.MultiErrors(), openapi3.EnableFormatValidation())
	for _, se := range flattenSchemaErrors(err) {
		switch {
		case se.SchemaField == "properties": // an undeclared key: checkKeys says it with a suggestion
			continue
		case se.SchemaField == "enum" && allowUnknown:
			continue
		}
		out = append(out, problem{pointer: se.JSONPointer(), reason: schemaReason(se)})
	}
	checkKeys(schema, value, nil, &out)
	return out
}

// flattenSchemaErrors lists the *SchemaErrors in err, however kin-openapi nested them.
func flattenSchemaErrors(err error) []*openapi3.SchemaError {
	var out []*openapi3.SchemaError
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		var se *openapi3.SchemaError
		switch {
		case err == nil:
		case errors.As(err, &me):
			for _, e := range me {
				walk(e)
			}
		case errors.As(err, &se):
			out = append(out, se)
		}
	}
	walk(err)
	return out
}

// schemaReason says what a kin-openapi schema error means for a fixtures author.
func schemaReason(se *openapi3.SchemaError) string {
	s := se.Schema
	switch se.SchemaField {
	case "required":
		return "is required" + valuesHint(propertyOf(s, lastToken(se.JSONPointer())))
	case "type":
		return fmt.Sprintf("got %s, want %s", valueKind(se.Value), typeWords(s))
	case "enum":
		got, _ := se.Value.(string)
		field := lastToken(se.JSONPointer())
		return unknownValue(got, enumStrings(s), field == "status" || field == "operationType")
	case "format":
		got, _ := se.Value.(string)
		return fmt.Sprintf("got %q, want %s", textutil.Truncate(got, 64), typeWords(s))
	case "minLength":
		if s.MinLength == 1 {
			return "must not be empty"
		}
	case "maxLength":
		got, _ := se.Value.(string)
		return fmt.Sprintf("is %d bytes, at most %d allowed", len(got), *s.MaxLength)
	case "minItems":
		return "needs at least " + count(s.MinItems, "entry", "entries")
	case "minimum":
		if s.Min != nil && *s.Min == 0 {
			return "must not be negative"
		}
	}
	return se.Reason
}

// checkKeys reports every key of value's objects that its schema does not declare, exactly
// spelled (encoding/json would match "Status" to status), and every string of format
// duration that is not a non-negative Go duration.
func checkKeys(schema *openapi3.Schema, value any, path []string, out *[]problem) {
	if schema == nil || len(path) > maxNesting {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		props := properties(schema)
		if len(props) == 0 {
			return
		}
		for _, k := range sortedKeys(v) {
			p := append(path[:len(path):len(path)], k)
			sub, ok := props[k]
			if !ok {
				if len(*out) < maxProblems {
					*out = append(*out, problem{pointer: p, reason: unknownKeyReason(k, sortedKeys(props), len(path) == 0)})
				}
				continue
			}
			checkKeys(sub, v[k], p, out)
		}
	case []any:
		if schema.Items == nil {
			return
		}
		for i, item := range v {
			checkKeys(schema.Items.Value, item, append(path[:len(path):len(path)], strconv.Itoa(i)), out)
		}
	case string:
		if schema.Format != "go-duration" {
			return
		}
		if d, err := time.ParseDuration(v); err != nil {
			*out = append(*out, problem{pointer: path, reason: fmt.Sprintf("got %q, want %s", textutil.Truncate(v, 64), typeWords(schema))})
		} else if d < 0 {
			*out = append(*out, problem{pointer: path, reason: "must not be negative"})
		}
	}
}

// properties returns the declared properties of an object schema, its allOf parts included
// (an error's innererror is allOf [CommunicationError]).
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for k, p := range s.Properties {
		if p != nil && p.Value != nil {
			out[k] = p.Value
		}
	}
	for _, part := range s.AllOf {
		if part != nil && part.Value != nil {
			for k, p := range properties(part.Value) {
				out[k] = p
			}
		}
	}
	return out
}

// propertyOf returns the schema of property name of s, or nil.
func propertyOf(s *openapi3.Schema, name string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	return properties(s)[name]
}

// valuesHint lists an enum's values for "is required", so the author sees what to write.
func valuesHint(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	if values := enumStrings(s); len(values) > 0 {
		return " (one of " + strings.Join(values, ", ") + ")"
	}
	if s.Type.Is("array") && s.MinItems > 0 {
		return " (a list of at least " + count(s.MinItems, "entry", "entries") + ")"
	}
	return ""
}

// enumStrings returns the string values of s's enum (through allOf), in the schema's order.
func enumStrings(s *openapi3.Schema) []string {
	var out []string
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	for _, part := range s.AllOf {
		if len(out) == 0 && part != nil && part.Value != nil {
			out = enumStrings(part.Value)
		}
	}
	return out
}

// typeWords describes what a schema wants, in words that fit YAML and JSON alike, with an
// example for the formats an author writes ("a duration such as \"1.5s\"").
func typeWords(s *openapi3.Schema) string {
	switch {
	case s.Format == "go-duration":
		return `a duration such as "1.5s" or "2m"`
	case s.Format == "date-time":
		return `a date-time such as "2023-07-14T19:48:16Z"`
	case s.Type == nil || len(*s.Type) == 0:
		return "a value"
	}
	return textutil.JSONKind((*s.Type)[0])
}

// valueKind names a generic JSON value's kind, with a string's value (quoted, cut short).
func valueKind(v any) string {
	if str, ok := v.(string); ok {
		return fmt.Sprintf("a string (%q)", textutil.Truncate(str, 32))
	}
	return textutil.JSONKindOf(v)
}

// count writes n things: "one entry", "3 entries".
func count(n uint64, one, many string) string {
	if n == 1 {
		return "one " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func lastToken(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pointerField writes a JSON pointer as the field names errors use: timeline[2].status.
func pointerField(pointer []string) string {
	var b strings.Builder
	for i, tok := range pointer {
		tok = textutil.Truncate(tok, 64) // a key can be as long as the body
		if _, err := strconv.Atoi(tok); err == nil && i > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "operation"
	}
	return textutil.Truncate(b.String(), 200) // deep chains (innererror.innererror...) stay readable
}

// fieldPointer is pointerField's inverse: timeline[2].status -> [timeline 2 status].
func fieldPointer(field string) []string {
	var out []string
	for part := range strings.SplitSeq(field, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			out = append(out, name)
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			out = append(out, idx)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}
