package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// maxResultViolations bounds the violations one result keeps: a hostile body can hold
// thousands; the rest are counted in a last line.
const maxResultViolations = 100

// violationsOf flattens a kin-openapi validation error into short violations: a JSON
// pointer, what was expected and what came. Schemas are never dumped. At most
// maxResultViolations are kept; a last one says how many more there were.
func violationsOf(err error) []Violation {
	var c violationCollector
	c.add(err)
	if c.omitted > 0 {
		c.out = append(c.out, Violation{Message: fmt.Sprintf("… and %d more violations, not listed", c.omitted)})
	}
	return c.out
}

// violationCollector keeps the first maxResultViolations violations and counts the rest,
// without formatting them.
type violationCollector struct {
	out     []Violation
	omitted int
}

func (c *violationCollector) add(err error) {
	if err == nil {
		return
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			c.add(e)
		}
		return
	}
	if len(c.out) >= maxResultViolations {
		c.omitted++
		return
	}
	c.out = append(c.out, violationOf(err)...)
}

// violationOf is the violation of one error that is not a MultiError.
func violationOf(err error) []Violation {
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) {
		if hasSchemaError(re.Err) {
			if inner := violationsOf(re.Err); len(inner) > 0 {
				return inner
			}
		}
		msg := re.Reason
		if re.Err != nil {
			msg = strings.TrimSpace(msg + ": " + firstLineOf(re.Err))
		}
		return []Violation{{Path: pathOfResponseReason(re.Reason), Message: msg}}
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []Violation{{Path: "/" + strings.Join(se.JSONPointer(), "/"), Message: se.Reason + "; got " + compact(se.Value)}}
	}
	var rqe *openapi3filter.RequestError
	if errors.As(err, &rqe) {
		path := ""
		if rqe.Parameter != nil {
			path = rqe.Parameter.In + " " + rqe.Parameter.Name
		}
		return []Violation{{Path: path, Message: firstLineOf(rqe)}}
	}
	return []Violation{{Message: firstLineOf(err)}}
}

// firstLineOf is the first line of err's message; of a MultiError, its first error's:
// kin-openapi joins every error of a MultiError into one string, which for a hostile body
// is as large as the body's violations.
func firstLineOf(err error) string {
	var me openapi3.MultiError
	for errors.As(err, &me) && len(me) > 0 {
		err = me[0]
	}
	return textutil.FirstLine(err.Error())
}

func hasSchemaError(err error) bool {
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

// pathOfResponseReason points header failures at the header.
func pathOfResponseReason(reason string) string {
	if _, rest, ok := strings.Cut(reason, "response header "); ok {
		name, _, _ := strings.Cut(rest, " ")
		return "header " + name
	}
	return ""
}

// compact renders a value in at most 80 characters.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	s := string(b)
	if len(s) > 80 { // room for the ellipsis
		s = textutil.Truncate(s, 77)
	}
	return s
}
