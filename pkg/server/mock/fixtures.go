package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"go.yaml.in/yaml/v3"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
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

// maxNesting bounds how deep a fixtures document may nest; the deepest valid one nests 5.
const maxNesting = 64

// LoadFixtures reads and validates a fixtures file. On any error nothing is returned and
// the error names the file, the operation and the field.
//
// The path must name a regular file (symbolic links are followed) of at most 64 MiB: a
// device such as /dev/zero would never end and a FIFO would block start-up, so both are
// refused before anything is read.
func LoadFixtures(path string) ([]Operation, error) {
	data, err := readFixtureFile(path)
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return ParseFixtures(path, data)
}

// readFixtureFile reads a regular file of at most maxFixtureBytes.
func readFixtureFile(path string) ([]byte, error) {
	fi, err := os.Stat(path) // follows links: the target is what gets read
	if err != nil {
		return nil, err
	}
	if err := checkFixtureFileInfo(fi); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the path be swapped for a FIFO after the Stat, opening it must not
	// block; the Stat of the open file below catches the swap.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := checkFixtureFileInfo(fi); err != nil {
		return nil, err
	}
	// The size may change while reading: read through a limit all the same.
	data, err := io.ReadAll(io.LimitReader(f, maxFixtureBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFixtureBytes {
		return nil, fmt.Errorf("file grew beyond %d bytes (64 MiB) while being read", maxFixtureBytes)
	}
	return data, nil
}

// checkFixtureFileInfo refuses anything but a regular file of at most maxFixtureBytes.
func checkFixtureFileInfo(fi os.FileInfo) error {
	if !fi.Mode().IsRegular() {
		kind := "not a regular file"
		switch m := fi.Mode(); {
		case m.IsDir():
			kind = "a directory"
		case m&os.ModeNamedPipe != 0:
			kind = "a named pipe (FIFO)"
		case m&os.ModeDevice != 0 || m&os.ModeCharDevice != 0:
			kind = "a device"
		case m&os.ModeSocket != 0:
			kind = "a socket"
		}
		return fmt.Errorf("is %s; want a regular YAML or JSON file", kind)
	}
	if fi.Size() > maxFixtureBytes {
		return fmt.Errorf("file is %d bytes, larger than the limit of %d bytes (64 MiB)", fi.Size(), maxFixtureBytes)
	}
	return nil
}

// ParseFixtures parses and validates fixtures (YAML or JSON); name is used in errors.
// Unknown fields are errors, so a misspelt field never goes unnoticed; errors name the
// file, the line, the operation and the field.
func ParseFixtures(name string, data []byte) ([]Operation, error) {
	ops, err := parseFixtures(data)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) && fe.Line > 0 {
			return nil, fmt.Errorf("fixtures %s: line %d: %w", name, fe.Line, fe)
		}
		return nil, fmt.Errorf("fixtures %s: %w", name, err)
	}
	return ops, nil
}

func parseFixtures(data []byte) ([]Operation, error) {
	if len(data) > maxFixtureBytes {
		return nil, fmt.Errorf("file is larger than %d bytes", maxFixtureBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("file is empty; want an \"operations\" list")
	}
	root, err := parseNode(data)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the file is %s; want a mapping with an \"operations\" list, e.g. operations: [{id: op-1, operationType: search, timeline: [{status: running}]}]", kindName(root))
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "operations" {
			msg := fmt.Sprintf("line %d: unknown top-level field %q; want only \"operations\"", k.Line, textutil.Truncate(k.Value, 64))
			if s := suggest(k.Value, []string{"operations"}); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, errors.New(msg)
		}
		list = resolve(root.Content[i+1])
	}
	if list == nil || list.Kind == yaml.ScalarNode && list.ShortTag() == "!!null" ||
		list.Kind == yaml.SequenceNode && len(list.Content) == 0 {
		return nil, errors.New("no operations; want a non-empty \"operations\" list")
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: \"operations\" is %s; want a list of operations", list.Line, kindName(list))
	}
	budget := 4*len(data) + 1024 // what aliases may expand to, in JSON bytes
	ops := make([]Operation, len(list.Content))
	nodes := make([]*yaml.Node, len(list.Content))
	for i, n := range list.Content {
		nodes[i] = resolve(n)
		op, err := decodeOperationNode(nodes[i], i, &budget)
		if err != nil {
			return nil, err
		}
		ops[i] = op
	}
	if err := ValidateOperations(ops); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) && fe.Index >= 0 && fe.Index < len(nodes) {
			fe.Line = locate(nodes[fe.Index], fe.Field)
		}
		return nil, err
	}
	return ops, nil
}

// parseOperation decodes one operation (JSON or YAML) strictly, as a fixtures entry is
// decoded, and validates it. Errors are *FieldError where a field is to blame.
func parseOperation(data []byte) (Operation, error) {
	root, err := parseNode(data)
	if err != nil {
		return Operation{}, err
	}
	budget := 4*len(data) + 1024
	op, err := decodeOperationNode(root, -1, &budget)
	if err != nil {
		return Operation{}, err
	}
	if err := op.Validate(); err != nil {
		return Operation{}, err
	}
	return op, nil
}

// parseNode parses one YAML (or JSON) document into its root node.
func parseNode(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("the document is empty; want a mapping")
	}
	return resolve(doc.Content[0]), nil
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// kindName describes a node's kind for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return fmt.Sprintf("a scalar (%q)", textutil.Truncate(n.Value, 32))
	}
	return "not a mapping"
}

// decodeOperationNode decodes one operation strictly. It goes through JSON so that the
// Operation's JSON shape (durations, times, the types package's models) stays the single
// definition of the format; the conversion keeps every error in YAML terms, with the line.
func decodeOperationNode(n *yaml.Node, index int, budget *int) (Operation, error) {
	id := ""
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := resolve(n.Content[i+1]); n.Content[i].Value == "id" && v.Kind == yaml.ScalarNode {
				id = v.Value
			}
		}
	}
	fe := func(field, reason string, line int) *FieldError {
		return &FieldError{OperationID: textutil.Truncate(id, 300), Index: index, Field: field, Reason: reason, Line: line}
	}
	if n.Kind != yaml.MappingNode {
		return Operation{}, fe("operation", "is "+kindName(n)+"; want a mapping with id, operationType and timeline", n.Line)
	}
	var buf bytes.Buffer
	if err := toJSON(&buf, n, 0, budget); err != nil {
		var ce *convertError
		if errors.As(err, &ce) {
			return Operation{}, fe(ce.field, ce.reason, ce.line)
		}
		return Operation{}, err
	}
	if field, reason, line := checkKeys(n, "", operationKeys); field != "" {
		return Operation{}, fe(field, reason, line)
	}
	var op Operation
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	err := dec.Decode(&op)
	if err == nil {
		return op, nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return Operation{}, fe(te.Field, fmt.Sprintf("got %s, want %s", jsonKind(te.Value), yamlType(te.Type.String())), locate(n, te.Field))
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field, _ = strconv.Unquote(field)
		return Operation{}, fe(field, "unknown field (see examples/fixtures.yaml for every field)", findKey(n, field, 0))
	}
	// Errors of the fields' own decoders (durations, times) say what they want.
	return Operation{}, fe("operation", strings.TrimPrefix(err.Error(), "json: "), n.Line)
}

// jsonKind and yamlType turn encoding/json's type names into words that fit YAML too.
func jsonKind(v string) string {
	switch v {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	}
	if strings.HasPrefix(v, "number") {
		return "a number"
	}
	return v
}

func yamlType(t string) string {
	switch {
	case strings.HasPrefix(t, "int"):
		return "an integer"
	case t == "bool":
		return "true or false"
	case t == "string" || strings.HasPrefix(t, "types."):
		return "a string"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return "a mapping"
}

// convertError is a problem found while converting a node to JSON.
type convertError struct {
	field, reason string
	line          int
}

func (e *convertError) Error() string { return e.field + ": " + e.reason }

// toJSON writes n as JSON. Aliases are expanded within budget bytes, so a document of
// nested aliases (billion laughs) cannot make it grow without bound.
func toJSON(buf *bytes.Buffer, n *yaml.Node, depth int, budget *int) error {
	if depth > maxNesting {
		return &convertError{"operation", fmt.Sprintf("nested deeper than %d levels", maxNesting), n.Line}
	}
	before := buf.Len()
	defer func() { *budget -= buf.Len() - before }()
	if *budget < 0 {
		return &convertError{"operation", "aliases expand the document to more than 4 times its size", n.Line}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return &convertError{"operation", "unknown alias", n.Line}
		}
		return toJSON(buf, n.Alias, depth+1, budget)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			buf.WriteString("null")
			return nil
		}
		return toJSON(buf, n.Content[0], depth+1, budget)
	case yaml.MappingNode:
		buf.WriteByte('{')
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i])
			if k.Kind != yaml.ScalarNode {
				return &convertError{"operation", "a mapping key must be a plain name", k.Line}
			}
			if k.Value == "<<" && k.ShortTag() == "!!merge" {
				return &convertError{"operation", "merge keys (<<) are not supported; repeat the fields", k.Line}
			}
			if seen[k.Value] {
				return &convertError{k.Value, "appears twice in the same mapping", k.Line}
			}
			seen[k.Value] = true
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.Value)
			buf.WriteByte(':')
			if err := toJSON(buf, n.Content[i+1], depth+1, budget); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := toJSON(buf, c, depth+1, budget); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		writeScalar(buf, n)
	}
	return nil
}

// writeScalar writes a scalar by its resolved YAML tag: numbers, booleans and null as
// such, everything else (timestamps included) as a string.
func writeScalar(buf *bytes.Buffer, n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		buf.WriteString("null")
		return
	case "!!bool":
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			buf.WriteString(strconv.FormatBool(b))
			return
		}
	case "!!int":
		if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			buf.WriteString(strconv.FormatInt(v, 10))
			return
		}
	case "!!float":
		if v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !isInfOrNaN(v) {
			buf.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			return
		}
	}
	writeJSONString(buf, n.Value)
}

func isInfOrNaN(f float64) bool { return f != f || f > 1e308 || f < -1e308 }

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always encodes
	buf.Write(b)
}

// locate returns the line of the node at field ("timeline[2].status", or encoding/json's
// "timeline.status" without indices) within n, or of the deepest node found on the way.
func locate(n *yaml.Node, field string) int {
	line := n.Line
	for part := range strings.SplitSeq(field, ".") {
		key, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			key = part[:i]
			if v, err := strconv.Atoi(part[i+1 : len(part)-1]); err == nil {
				idx = v
			}
		}
		n = resolve(n)
		if n.Kind == yaml.SequenceNode && len(n.Content) > 0 { // encoding/json drops indices
			n = resolve(n.Content[0])
		}
		next := (*yaml.Node)(nil)
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
					line = n.Content[i].Line
				}
			}
		}
		if next == nil {
			return line
		}
		n = resolve(next)
		if idx >= 0 && n.Kind == yaml.SequenceNode && idx < len(n.Content) {
			n = resolve(n.Content[idx])
			line = n.Line
		}
	}
	return line
}

// findKey returns the line of the first mapping key named key within n (depth-first), or
// n's line.
func findKey(n *yaml.Node, key string, depth int) int {
	n = resolve(n)
	if n == nil || depth > maxNesting {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	for _, c := range n.Content {
		if l := findKey(c, key, depth+1); l > 0 {
			return l
		}
	}
	if depth == 0 {
		return n.Line
	}
	return 0
}

// The exact field names of each level. encoding/json matches names case-insensitively;
// these make "Status:" a typo like any other.
var (
	operationKeys = []string{"id", "operationType", "createdDateTime", "resourceLocation", "lastActionDateTime", "timeline", "allowUnknown"}
	stepKeys      = []string{"status", "after", "afterPolls", "error"}
	errorKeys     = []string{"code", "message", "target", "details", "innererror"}
)

// checkKeys reports the first key of mapping n (and of its timeline steps and errors)
// that is not spelled exactly as a field, with the field's path, a reason and its line.
func checkKeys(n *yaml.Node, path string, allowed []string) (field, reason string, line int) {
	if n == nil || n.Kind != yaml.MappingNode {
		return "", "", 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], resolve(n.Content[i+1])
		name := path + key.Value
		if !slices.Contains(allowed, key.Value) {
			return name, unknownKeyReason(key.Value, allowed, path == ""), key.Line
		}
		switch {
		case key.Value == "timeline" && value.Kind == yaml.SequenceNode:
			for j, step := range value.Content {
				if f, r, l := checkKeys(resolve(step), fmt.Sprintf("%s[%d].", name, j), stepKeys); f != "" {
					return f, r, l
				}
			}
		case key.Value == "error" || key.Value == "innererror":
			if f, r, l := checkKeys(value, name+".", errorKeys); f != "" {
				return f, r, l
			}
		case key.Value == "details" && value.Kind == yaml.SequenceNode:
			for j, d := range value.Content {
				if f, r, l := checkKeys(resolve(d), fmt.Sprintf("%s[%d].", name, j), errorKeys); f != "" {
					return f, r, l
				}
			}
		}
	}
	return "", "", 0
}

// unknownKeyReason says why key is refused and what was probably meant.
func unknownKeyReason(key string, allowed []string, topLevel bool) string {
	for _, a := range allowed {
		if strings.EqualFold(a, key) {
			return fmt.Sprintf("unknown field; field names are case-sensitive: did you mean %q?", a)
		}
	}
	if topLevel && key == "operations" {
		return "unknown field: this takes one operation, not a fixtures file with an operations list"
	}
	return fmt.Sprintf("unknown field; want one of %s (see examples/fixtures.yaml)", strings.Join(allowed, ", "))
}
