package control

import (
	"encoding/json"
	"errors"
	"time"
)

// Delay is a fault's delay (Fault.Delay in openapi/control.yaml): a fixed Go duration
// ("800ms") or a range drawn from uniformly ({min: 100ms, max: 2s}). The zero value is no
// delay.
type Delay struct {
	// Min is the shortest delay; the delay itself when Max equals it.
	Min Duration
	// Max is the longest delay.
	Max Duration
}

// IsZero reports whether the delay is none (for omitzero).
func (d Delay) IsZero() bool { return d.Min == 0 && d.Max == 0 }

// MarshalJSON writes a fixed delay as a string, a range as {min, max}.
func (d Delay) MarshalJSON() ([]byte, error) {
	if d.Min == d.Max {
		return json.Marshal(d.Min)
	}
	return json.Marshal(struct {
		Min Duration `json:"min"`
		Max Duration `json:"max"`
	}{d.Min, d.Max})
}

// UnmarshalJSON reads "800ms" or {"min": "100ms", "max": "2s"}.
func (d *Delay) UnmarshalJSON(b []byte) error {
	var fixed Duration
	if err := fixed.UnmarshalJSON(b); err == nil {
		*d = Delay{Min: fixed, Max: fixed}
		return nil
	}
	var r struct {
		Min *Duration `json:"min"`
		Max *Duration `json:"max"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Min == nil || r.Max == nil {
		return errors.New(`want a duration such as "800ms", or {min: "100ms", max: "2s"}`)
	}
	*d = Delay{Min: *r.Min, Max: *r.Max}
	return nil
}

// Draw returns the delay for u, a uniform draw in [0, 1).
func (d Delay) Draw(u float64) time.Duration {
	return time.Duration(d.Min) + time.Duration(u*float64(d.Max-d.Min))
}
