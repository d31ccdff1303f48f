package textutil

import (
	"reflect"
	"strings"
)

// JSONKind names a kind of JSON value in words for error messages ("an object", "a list",
// "an integer"), given its name in encoding/json's errors ("object", "array", "string",
// "number", "number 1.5", "bool") or in a JSON schema's type ("integer", "boolean", "null").
func JSONKind(name string) string {
	switch name, _, _ = strings.Cut(name, " "); name {
	case "object":
		return "an object"
	case "array":
		return "a list"
	case "string":
		return "a string"
	case "integer":
		return "an integer"
	case "number":
		return "a number"
	case "bool", "boolean":
		return "true or false"
	case "null":
		return "null"
	case "":
		return "of the wrong type"
	}
	return "a " + name
}

// JSONKindOf names the kind of a decoded generic JSON value (map[string]any, []any,
// string, float64, int64, bool, nil); a whole float64 is an integer.
func JSONKindOf(v any) string {
	switch v := v.(type) {
	case nil:
		return JSONKind("null")
	case map[string]any:
		return JSONKind("object")
	case []any:
		return JSONKind("array")
	case string:
		return JSONKind("string")
	case bool:
		return JSONKind("boolean")
	case int64, int:
		return JSONKind("integer")
	case float64:
		if v == float64(int64(v)) {
			return JSONKind("integer")
		}
		return JSONKind("number")
	}
	return JSONKind("")
}

// JSONKindOfType names the JSON kind a Go type decodes from: structs and maps are objects.
func JSONKindOfType(t reflect.Type) string {
	if t == nil {
		return JSONKind("")
	}
	switch t.Kind() {
	case reflect.String:
		return JSONKind("string")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return JSONKind("integer")
	case reflect.Float32, reflect.Float64:
		return JSONKind("number")
	case reflect.Bool:
		return JSONKind("boolean")
	case reflect.Slice, reflect.Array:
		return JSONKind("array")
	case reflect.Pointer:
		return JSONKindOfType(t.Elem())
	}
	return JSONKind("object")
}

// FirstLine returns s up to its first newline: one line of a multi-line error for a
// message or a log.
func FirstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
