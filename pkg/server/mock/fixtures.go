package mock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
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
	// Faults are server-wide fault rules (docs/faults.md): each applies to every operation,
	// or to those it names, after the operation's own faults.
	Faults []Fault `json:"faults,omitempty"`
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
//
// A file's top-level faults are not returned: use [LoadFixtureFile] for them.
func LoadFixtures(path string) ([]Operation, error) {
	f, err := LoadFixtureFile(path)
	if err != nil {
		return nil, err
	}
	return f.Operations, nil
}

// LoadFixtureFile is [LoadFixtures] returning the whole file: its operations and its
// server-wide fault rules.
func LoadFixtureFile(path string) (*FixtureFile, error) {
	data, err := readFixtureFile(path)
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", path, err)
	}
	return ParseFixtureFile(path, data)
}

// readFixtureFile reads a regular file of at most maxFixtureBytes, through the shared
// safefile rules (kind checked before and after a non-blocking open, size capped while
// reading). Loading takes no context: nothing in it can block.
func readFixtureFile(path string) ([]byte, error) {
	data, err := safefile.ReadFile(context.Background(), path, maxFixtureBytes)
	var nr *safefile.NotRegularError
	if errors.As(err, &nr) {
		return nil, fmt.Errorf("%w; want a regular YAML or JSON file", err)
	}
	return data, err
}

// ParseFixtures parses and validates fixtures (YAML or JSON); name is used in errors.
// Every operation is checked against control.yaml's ScriptedOperation schema (see
// [ValidateOperation]); unknown fields are errors, so a misspelt field never goes
// unnoticed. The error lists every problem found (at most 20), each with the file, the line,
// the operation and the field; errors.As finds the first *FieldError.
func ParseFixtures(name string, data []byte) ([]Operation, error) {
	f, err := ParseFixtureFile(name, data)
	if err != nil {
		return nil, err
	}
	return f.Operations, nil
}

// ParseFixtureFile is [ParseFixtures] returning the whole file: its operations and its
// server-wide fault rules.
func ParseFixtureFile(name string, data []byte) (*FixtureFile, error) {
	f, fes, err := parseFixtures(data)
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", name, err)
	}
	if len(fes) > 0 {
		return nil, &FixturesError{File: name, Problems: fes}
	}
	return f, nil
}

// FixturesError lists the problems of a fixtures file, in document order.
type FixturesError struct {
	// File is the name the fixtures were read from.
	File string
	// Problems are the invalid fields, at most 20.
	Problems []*FieldError
}

// Error lists every problem on a line of its own, each with its line number.
func (e *FixturesError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("fixtures %s: %s", e.File, e.Problems[0].located())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "fixtures %s: %d problems", e.File, len(e.Problems))
	if len(e.Problems) == maxProblems {
		b.WriteString(" (the first 20)")
	}
	for _, fe := range e.Problems {
		b.WriteString("\n  " + fe.located())
	}
	return b.String()
}

// Unwrap returns the problems, so errors.As finds a *FieldError.
func (e *FixturesError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, fe := range e.Problems {
		errs[i] = fe
	}
	return errs
}

// parseFixtures returns the operations, or the problems of the document (fes), or an error
// when it is not a fixtures document at all.
func parseFixtures(data []byte) (file *FixtureFile, fes []*FieldError, err error) {
	return parseFixturesWithin(data, fixtureLimits, "split it, or serve fewer operations")
}

// parseFixturesWithin is parseFixtures within limits; advice says what to do beyond them.
func parseFixturesWithin(data []byte, limits bounded.Limits, advice string) (file *FixtureFile, fes []*FieldError, err error) {
	if int64(len(data)) > limits.Bytes {
		return nil, nil, fmt.Errorf("file is larger than %d bytes", limits.Bytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, errors.New("file is empty; want an \"operations\" list")
	}
	estimate := bounded.NewBudget(limits)
	if err := estimate.YAML(context.Background(), "the file", data); err != nil {
		return nil, nil, fmt.Errorf("%w; %s (the YAML parser builds every value in memory)", err, advice)
	}
	root, err := parseNode(data)
	if err != nil {
		return nil, nil, err
	}
	list, faults, err := topLevel(root)
	if err != nil {
		return nil, nil, err
	}
	_, values := estimate.Spent()
	budget := valueBudget(values)
	rules, fes, err := decodeFaultRules(root, faults, &budget)
	if err != nil {
		return nil, nil, err
	}
	ops := make([]Operation, len(list.Content))
	checked := make([]bool, len(list.Content))
	for i, n := range list.Content {
		op, problems, err := decodeOperationNode(resolve(n), i, &budget)
		if err != nil {
			return nil, nil, err
		}
		ops[i], checked[i] = op, true
		if fes = append(fes, problems...); len(fes) >= maxProblems {
			return nil, fes[:maxProblems], nil
		}
	}
	dups, err := validateOperations(ops, checked)
	if err != nil {
		return nil, nil, err
	}
	for _, fe := range dups {
		fe.Line = resolve(list.Content[fe.Index]).Line
		fe.Reason += fmt.Sprintf(", on line %d", resolve(list.Content[fe.dupOf]).Line)
	}
	fes = append(fes, dups...)
	fes = append(fes, unknownRuleOperations(rules, ops, faults)...)
	if len(fes) > 0 {
		sort.SliceStable(fes, func(i, j int) bool { return fes[i].Line < fes[j].Line })
		return nil, fes[:min(len(fes), maxProblems)], nil
	}
	return &FixtureFile{Operations: ops, Faults: rules}, nil, nil
}

// unknownRuleOperations reports the operations a top-level fault rule names that the file
// does not hold: a misspelt id would leave the rule silently idle.
func unknownRuleOperations(rules []Fault, ops []Operation, faults *yaml.Node) []*FieldError {
	ids := make([]string, len(ops))
	for i := range ops {
		ids[i] = ops[i].ID
	}
	var out []*FieldError
	for i := range rules {
		for _, id := range rules[i].Operations {
			if slices.Contains(ids, id) {
				continue
			}
			reason := fmt.Sprintf("names %s, which the file does not hold", textutil.QuoteID(id))
			if s := textutil.Suggest(id, ids); s != "" {
				reason += fmt.Sprintf("; did you mean %q?", s)
			}
			out = append(out, &FieldError{Index: ruleIndex, Field: fmt.Sprintf("faults[%d].operations", i), Reason: reason, Line: resolve(faults.Content[i]).Line})
		}
	}
	return out
}

// topLevel returns the "operations" list and the "faults" node (nil when absent) of a
// fixtures document's root.
func topLevel(root *yaml.Node) (list, faults *yaml.Node, err error) {
	if root.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("the file is %s; want a mapping with an \"operations\" list, e.g. operations: [{id: op-1, operationType: search, timeline: [{status: running}]}]", kindName(root))
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Value != "operations" && k.Value != "faults" {
			msg := fmt.Sprintf("line %d: unknown top-level field %q; want \"operations\" (and \"faults\")", k.Line, textutil.Truncate(k.Value, 64))
			if s := textutil.Suggest(k.Value, []string{"operations", "faults"}); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, nil, errors.New(msg)
		}
		if first, dup := lines[k.Value]; dup { // a YAML parser keeps the last of two equal keys: the first would be lost
			return nil, nil, fmt.Errorf("line %d: a second %q field; put every entry in one list (the first is on line %d)", k.Line, k.Value, first)
		}
		lines[k.Value] = k.Line
		if k.Value == "faults" {
			faults = resolve(root.Content[i+1])
		} else {
			list = resolve(root.Content[i+1])
		}
	}
	if list == nil || list.Kind == yaml.ScalarNode && list.ShortTag() == "!!null" ||
		list.Kind == yaml.SequenceNode && len(list.Content) == 0 {
		return nil, nil, errors.New("no operations; want a non-empty \"operations\" list")
	}
	if list.Kind != yaml.SequenceNode {
		return nil, nil, fmt.Errorf("line %d: \"operations\" is %s; want a list of operations", list.Line, kindName(list))
	}
	return list, faults, nil
}

// maxFixtureNodes bounds the YAML values a fixtures file may hold, estimated before it is
// parsed: the parser builds a node of a few hundred bytes for each (1,000,000 estimated
// values allocate at most ~120 MB, measured on the worst shapes: TestHostileFixtureShapes).
// 10,000 operations of a few steps take about 300,000.
const maxFixtureNodes = 1_000_000

// fixtureLimits bound a fixtures file before it is parsed; the depth of the parsed tree is
// checked exactly while it is converted (maxNesting).
var fixtureLimits = bounded.Limits{Bytes: maxFixtureBytes, Values: maxFixtureNodes}

// maxFixtureBodyValues bounds the YAML values of a fixtures document sent to the control
// API (POST /mock/fixtures), estimated before it is parsed. A file is its operator's; a body
// can come from anyone who reaches the server, and JSON's flow style costs the YAML parser
// far more than block style: ~1.2 KB allocated a value (a 1 MB list of 490,000 zeros took
// 570 MB). 50,000 values are some 500 operations of a few steps, and cost ~60 MB at most.
const maxFixtureBodyValues = 50_000

// fixtureBodyLimits bound a fixtures document sent to the control API.
var fixtureBodyLimits = bounded.Limits{Bytes: maxFixtureBytes, Values: maxFixtureBodyValues}

// parseFixtureBody is ParseFixtureFile for a document sent to the control API, within
// fixtureBodyLimits.
func parseFixtureBody(name string, data []byte) (*FixtureFile, error) {
	f, fes, err := parseFixturesWithin(data, fixtureBodyLimits, "send fewer operations at a time, or load a file of many with serve --fixtures")
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", name, err)
	}
	if len(fes) > 0 {
		return nil, &FixturesError{File: name, Problems: fes}
	}
	return f, nil
}

// valueBudget is how many values a document of an estimated values may expand to through
// aliases: four times what it holds written out, so that nested aliases (billion laughs)
// cannot make it grow without bound, and never more than a file may hold written out. The
// estimate counts values, not bytes: a long comment adds none, so padding cannot buy
// expansions.
func valueBudget(values int) int { return min(4*values+1024, maxFixtureNodes) }

// parseOperation decodes one operation (JSON or YAML) strictly, as a fixtures entry is
// decoded, and validates it. The error joins a *FieldError per problem.
func parseOperation(data []byte) (Operation, error) {
	root, err := parseNode(data)
	if err != nil {
		return Operation{}, err
	}
	estimate := bounded.NewBudget(bounded.Limits{})
	_ = estimate.YAML(context.Background(), "the operation", data) // bounded already by the caller
	_, values := estimate.Spent()
	budget := valueBudget(values)
	op, fes, err := decodeOperationNode(root, -1, &budget)
	if err != nil {
		return Operation{}, err
	}
	if err := joinFieldErrors(fes); err != nil {
		return Operation{}, err
	}
	return op, nil
}

// parseNode parses one YAML (or JSON) document into its root node.
func parseNode(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if strings.Contains(msg, "did not find expected") || strings.Contains(msg, "mapping values are not allowed") {
			msg += " (YAML: check the indentation of this line against the lines above it)"
		}
		return nil, errors.New(msg)
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

// decodeOperationNode checks one operation node against the schema and decodes it into the
// generated type. Problems come back as FieldErrors with their lines; err is for a
// document the checks cannot read (duplicate keys, nesting, aliases), also a *FieldError.
func decodeOperationNode(n *yaml.Node, index int, budget *int) (Operation, []*FieldError, error) {
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
		return Operation{}, []*FieldError{fe("operation", "is "+kindName(n)+"; want a mapping with id, operationType and timeline", n.Line)}, nil
	}
	schema, err := schemaOrError()
	if err != nil {
		return Operation{}, nil, err
	}
	c := &converter{budget: budget, left: maxOperationValues}
	value, err := c.value(n, schema, 0)
	if errors.Is(err, errEnoughProblems) { // 20 found while reading: report them, validate nothing more
		return Operation{}, problemsToFieldErrors(c.problems, id, index, nodeLocator(n)), nil
	}
	if err != nil {
		var ce *convertError
		if errors.As(err, &ce) {
			return Operation{}, []*FieldError{fe(ce.field, ce.reason, ce.line)}, nil
		}
		return Operation{}, nil, err
	}
	op, fes := validateValue(schema, value, id, index, c.problems, nodeLocator(n))
	return op, fes, nil
}

// maxOperationValues bounds the values one operation may hold: the largest an operation can
// be (64 KiB encoded) holds far fewer, and the bound keeps what a hostile document makes the
// decoder and kin-openapi build per operation small.
const maxOperationValues = 20_000

// convertError is a problem found while reading a node's values.
type convertError struct {
	field, reason string
	line          int
}

func (e *convertError) Error() string { return e.field + ": " + e.reason }

// converter turns an operation's YAML nodes into the generic JSON values kin-openapi
// validates, guided by the schema: a key the schema does not declare, and a list or a
// mapping where the schema wants something else (or a scalar where it wants one of them),
// is reported and what is under it is not read at all, so junk costs nothing and
// kin-openapi sees only well-shaped values. Values are counted against the operation's
// bound and the document's alias budget; at maxProblems problems reading stops.
type converter struct {
	budget   *int      // the document's: what aliases may expand to
	left     int       // the operation's
	path     []string  // the JSON pointer being read, as a stack
	problems []problem // found while reading, at most maxProblems
}

// errEnoughProblems stops reading an operation with maxProblems problems found.
var errEnoughProblems = errors.New("enough problems")

// skipped is the value of a node set aside for its problem: left out of its mapping, null
// in its list (so that the other items keep their indices).
type skipped struct{}

// report records a problem at the current path plus key (when not empty).
func (c *converter) report(key, reason string) error {
	ptr := slices.Clone(c.path)
	if key != "" {
		ptr = append(ptr, key)
	}
	c.problems = append(c.problems, problem{pointer: ptr, reason: reason})
	if len(c.problems) >= maxProblems {
		return errEnoughProblems
	}
	return nil
}

// shapeMismatch says why n cannot be what schema describes, "" when its shape fits.
func shapeMismatch(n *yaml.Node, schema *openapi3.Schema) string {
	if schema == nil || schema.Type == nil || len(*schema.Type) != 1 {
		return ""
	}
	n = resolve(n)
	want := (*schema.Type)[0]
	var got string
	switch {
	case want == "object" && n.Kind != yaml.MappingNode,
		want == "array" && n.Kind != yaml.SequenceNode,
		want != "object" && want != "array" && n.Kind != yaml.ScalarNode:
		got = kindName(n)
	default:
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && schema.Nullable {
		return ""
	}
	return fmt.Sprintf("got %s, want %s", got, typeWords(schema))
}

// value returns n as generic JSON values (map[string]any, []any, string, int64, float64,
// bool, nil); schema describes n (nil: anything).
func (c *converter) value(n *yaml.Node, schema *openapi3.Schema, depth int) (any, error) {
	if depth > maxNesting {
		return nil, &convertError{"operation", fmt.Sprintf("nested deeper than %d levels", maxNesting), n.Line}
	}
	if *c.budget--; *c.budget < 0 {
		return nil, &convertError{"operation", "aliases expand the document to more than 4 times the values it holds written out (at most 1,000,000)", n.Line}
	}
	if c.left--; c.left < 0 {
		return nil, &convertError{"operation", fmt.Sprintf("holds more than %d values; an operation needs far fewer", maxOperationValues), n.Line}
	}
	if why := shapeMismatch(n, schema); why != "" {
		return skipped{}, c.report("", why)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, &convertError{"operation", "unknown alias", n.Line}
		}
		return c.value(n.Alias, schema, depth+1)
	case yaml.MappingNode:
		return c.mapping(n, schema, depth)
	case yaml.SequenceNode:
		var items *openapi3.Schema
		if schema != nil && schema.Items != nil {
			items = schema.Items.Value
		}
		l := make([]any, len(n.Content))
		for i, item := range n.Content {
			c.path = append(c.path, strconv.Itoa(i))
			v, err := c.value(item, items, depth+1)
			c.path = c.path[:len(c.path)-1]
			if err != nil {
				return nil, err
			}
			if _, skip := v.(skipped); skip {
				v = nil
			}
			l[i] = v
		}
		return l, nil
	case yaml.ScalarNode:
		return scalarValue(n), nil
	}
	return nil, &convertError{"operation", "is not a YAML value", n.Line}
}

// mapping reads a mapping node: declared keys are read, undeclared ones reported.
func (c *converter) mapping(n *yaml.Node, schema *openapi3.Schema, depth int) (any, error) {
	var declared map[string]*openapi3.Schema
	if schema != nil {
		declared = properties(schema)
	}
	m := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			return nil, &convertError{"operation", "a mapping key must be a plain name", k.Line}
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			return nil, &convertError{"operation", "merge keys (<<) are not supported; repeat the fields", k.Line}
		}
		if _, dup := m[k.Value]; dup {
			return nil, &convertError{textutil.Truncate(k.Value, 64), "appears twice in the same mapping", k.Line}
		}
		sub, ok := declared[k.Value]
		if len(declared) > 0 && !ok {
			m[k.Value] = skipped{} // seen (a duplicate is still one), not read
			if err := c.report(k.Value, unknownKeyReason(k.Value, sortedKeys(declared), depth == 0)); err != nil {
				return nil, err
			}
			continue
		}
		c.path = append(c.path, k.Value)
		v, err := c.value(n.Content[i+1], sub, depth+1)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return nil, err
		}
		m[k.Value] = v
	}
	for k, v := range m { // what was set aside held a place only to catch duplicates
		if _, skip := v.(skipped); skip {
			delete(m, k)
		}
	}
	return m, nil
}

// nodeLocator returns the line of the value at a JSON pointer within the operation node
// n, or of its nearest ancestor: lines are looked up for the few problems reported, not
// recorded for every value.
func nodeLocator(n *yaml.Node) func(pointer []string) int {
	return func(pointer []string) int {
		line, cur := n.Line, n
		for _, tok := range pointer {
			cur = resolve(cur)
			var next *yaml.Node
			switch cur.Kind {
			case yaml.MappingNode:
				for i := 0; i+1 < len(cur.Content); i += 2 {
					if cur.Content[i].Value == tok {
						next, line = cur.Content[i+1], cur.Content[i].Line
						break
					}
				}
			case yaml.SequenceNode:
				if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(cur.Content) {
					next = cur.Content[i]
					line = resolve(next).Line
				}
			}
			if next == nil {
				return line
			}
			cur = next
		}
		return line
	}
}

// scalarValue returns a scalar by its resolved YAML tag: numbers, booleans and null as
// such, everything else (timestamps included) as a string.
func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			return b
		}
	case "!!int":
		// int64, not float64: an integer above 2^53 must not change on its way through.
		if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return v
		}
	case "!!float":
		if v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			return v
		}
	}
	return n.Value
}

// unknownKeyReason says why key is refused and what was probably meant.
func unknownKeyReason(key string, allowed []string, topLevel bool) string {
	for _, a := range allowed {
		if strings.EqualFold(a, key) {
			return fmt.Sprintf("unknown field; field names are case-sensitive: did you mean %q?", a)
		}
	}
	if topLevel && (key == "operations" || key == "faults") {
		return "unknown field: this takes one operation, not a fixtures file (whose top-level operations and faults lists are for serve --fixtures)"
	}
	if s := textutil.Suggest(key, allowed); s != "" {
		return fmt.Sprintf("unknown field; did you mean %q? (want one of %s)", s, strings.Join(allowed, ", "))
	}
	return fmt.Sprintf("unknown field; want one of %s (the ScriptedOperation schema of openapi/control.yaml)", strings.Join(allowed, ", "))
}
