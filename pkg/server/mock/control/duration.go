package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes as a Go duration string ("1.5s",
// "2m"): the type of TimelineStep.After (format go-duration in openapi/control.yaml).
type Duration time.Duration

// String formats the duration like time.Duration ("1.5s").
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string such as "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "1.5s" or "250ms".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`want a duration string such as "1.5s" or "2m"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		if len(s) > 32 { // the value may be as long as the body: quote enough to recognise it
			s = s[:32] + "..."
		}
		return fmt.Errorf("want a duration string such as \"1.5s\" or \"2m\", got %q", strings.ToValidUTF8(s, "?"))
	}
	*d = Duration(v)
	return nil
}
