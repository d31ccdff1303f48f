package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Fault is a failure an operation's requests are answered with (control.yaml's Fault):
// per operation in its faults, or server-wide in a fixtures file's top-level faults. See
// docs/faults.md.
type Fault = control.Fault

// FaultState is how one of an operation's faults has been applied so far.
type FaultState = control.FaultState

// MaxFaultDelay bounds a fault's delay: long enough to exceed any client's timeout worth
// testing, short enough that a delayed request holds its connection for a bounded time.
// A delayed answer is released at once when its client goes away or the server stops.
const MaxFaultDelay = 60 * time.Second

// faultProblems says what is wrong with fault f (at field), one reason per problem;
// serverWide allows operations, which only a fixtures file's top-level faults may list.
func faultProblems(f *Fault, serverWide bool) map[string]string {
	out := map[string]string{}
	switch {
	case len(f.Requests) > 0 && f.Rate != 0:
		out["rate"] = "set requests or rate, not both"
	case len(f.Requests) == 0 && f.Rate == 0:
		out["requests"] = "is required (or rate): which requests the fault applies to, e.g. requests: [1, 2] or rate: 0.2"
	}
	switch {
	case f.Status != 0 && f.Drop != "":
		out["drop"] = "set status or drop, not both: a dropped connection answers nothing"
	case f.Status == 0 && f.Drop == "" && f.Delay.IsZero():
		out["status"] = "is required (or drop, or delay): what the fault does, e.g. status: 503"
	case f.Status == 0 && f.RetryAfter != 0:
		out["retryAfter"] = "only goes with status (Retry-After is sent on the status answer)"
	case f.Status == 0 && f.Error != nil:
		out["error"] = "only goes with status"
	case f.Error != nil && (f.Error.Code == "" || f.Error.Message == ""):
		out["error"] = "needs a code and a message"
	}
	switch d := f.Delay; {
	case d.Min < 0 || d.Max < 0:
		out["delay"] = "must not be negative"
	case d.Max < d.Min:
		out["delay"] = "max must not be smaller than min"
	case time.Duration(d.Max) > MaxFaultDelay:
		out["delay"] = fmt.Sprintf("is at most %s", MaxFaultDelay)
	}
	if f.RetryAfter < 0 || time.Duration(f.RetryAfter) > time.Hour {
		out["retryAfter"] = "must be between 0s and 1h"
	}
	if len(f.Operations) > 0 && !serverWide {
		out["operations"] = "only a fixtures file's top-level faults name operations; an operation's own faults apply to it"
	}
	return out
}

// ValidateFaultRules checks server-wide fault rules (a fixtures file's top-level faults).
// The error lists every problem, each as a *FieldError naming the rule.
func ValidateFaultRules(rules []Fault) error {
	return joinFieldErrors(ruleProblems(rules, nil))
}

// ruleProblems checks server-wide fault rules, one *FieldError per problem, in order;
// line, when set, gives the line of rule i.
func ruleProblems(rules []Fault, line func(i int) int) []*FieldError {
	var fes []*FieldError
	for i := range rules {
		problems := faultProblems(&rules[i], true)
		for _, field := range sortedKeys(problems) {
			fe := &FieldError{Index: ruleIndex, Field: fmt.Sprintf("faults[%d].%s", i, field), Reason: problems[field]}
			if line != nil {
				fe.Line = line(i)
			}
			fes = append(fes, fe)
		}
	}
	return fes
}

// faultCode is the error code the service answers a status with.
func faultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusInternalServerError:
		return "InternalError"
	case http.StatusBadGateway:
		return "BadGateway"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusGatewayTimeout:
		return "GatewayTimeout"
	case http.StatusRequestTimeout:
		return "RequestTimeout"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// faultAnswer is the answer fault f gives (delay drawn with u), for server.Fault.
func faultAnswer(f *Fault, u float64) *server.Fault {
	out := &server.Fault{Status: f.Status, Drop: string(f.Drop), Delay: f.Delay.Draw(u), RetryAfter: time.Duration(f.RetryAfter)}
	if f.Status != 0 {
		e := types.CommunicationError{Code: faultCode(f.Status), Message: http.StatusText(f.Status) + "."}
		if f.Error != nil {
			e = *f.Error
		}
		out.Body = &e
	}
	return out
}

// describe names what fault answer a did, for the journal.
func describe(a *server.Fault) string {
	var parts []string
	if a.Delay > 0 {
		parts = append(parts, "delay "+a.Delay.Round(time.Millisecond).String())
	}
	switch {
	case a.Status != 0:
		parts = append(parts, fmt.Sprintf("status %d", a.Status))
	case a.Drop != "":
		parts = append(parts, "drop "+a.Drop)
	}
	return strings.Join(parts, ", ")
}

// applies reports whether fault f applies to request n of operation id, the fault at
// index i of its list; rates are drawn from draw.
func applies(f *Fault, n int, draw func(salt uint64) float64) bool {
	if len(f.Requests) > 0 {
		return slices.Contains(f.Requests, n)
	}
	return draw(0) < f.Rate
}

// remaining is how many of the listed requests are still to come after request n; -1 for
// a rate.
func remaining(f *Fault, n int) int {
	if len(f.Requests) == 0 {
		return -1
	}
	left := 0
	for _, r := range f.Requests {
		if r > n {
			left++
		}
	}
	return left
}

// drawer returns the reproducible uniform draws of request n of operation id under seed:
// a hash of all three and the fault's index (and a salt), so that the same seed and the
// same requests give the same answers whatever the order requests of other operations
// arrive in.
func drawer(seed uint64, id string, n, index int) func(salt uint64) float64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	base := h.Sum64() ^ seed ^ uint64(n)*0x9E3779B97F4A7C15 ^ uint64(index+1)*0xC2B2AE3D27D4EB4F
	return func(salt uint64) float64 {
		return float64(splitmix64(base^salt*0x165667B19E3779F9)>>11) / (1 << 53)
	}
}

// splitmix64 is SplitMix64's mixing function: a well-distributed 64-bit hash of x.
func splitmix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// ruleIndex is FieldError.Index for a fixtures file's top-level fault rules.
const ruleIndex = -2

// decodeFaultRules reads a fixtures file's top-level faults (nil: none) as the schema
// reads an operation's, then checks the rules a schema cannot state; root locates lines.
func decodeFaultRules(root, faults *yaml.Node, budget *int) ([]Fault, []*FieldError, error) {
	if faults == nil {
		return nil, nil, nil
	}
	op, err := schemaOrError()
	if err != nil {
		return nil, nil, err
	}
	schema := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject},
		Properties: openapi3.Schemas{"faults": op.Properties["faults"]}}
	c := &converter{budget: budget, left: maxOperationValues}
	list, err := c.value(faults, op.Properties["faults"].Value, 1)
	var ce *convertError
	switch {
	case errors.As(err, &ce):
		return nil, []*FieldError{{Index: ruleIndex, Field: "faults", Reason: ce.reason, Line: ce.line}}, nil
	case err != nil && !errors.Is(err, errEnoughProblems):
		return nil, nil, err
	}
	value := map[string]any{"faults": list}
	if ps := dedupe(append(prefixed("faults", c.problems), checkSchema(schema, value)...)); len(ps) > 0 {
		return nil, problemsToFieldErrors(ps, "", ruleIndex, nodeLocator(root)), nil
	}
	var rules []Fault
	if b, err := json.Marshal(list); err != nil || json.Unmarshal(b, &rules) != nil {
		return nil, []*FieldError{{Index: ruleIndex, Field: "faults", Reason: "is not a list of faults", Line: faults.Line}}, nil
	}
	return rules, ruleProblems(rules, func(i int) int { return resolve(faults.Content[i]).Line }), nil
}

// prefixed returns ps with their pointers under key.
func prefixed(key string, ps []problem) []problem {
	out := make([]problem, len(ps))
	for i, p := range ps {
		out[i] = problem{pointer: append([]string{key}, p.pointer...), reason: p.reason}
	}
	return out
}
