package client

import "time"

// WithClock returns o with the clock that dates signatures set to now, for tests.
func WithClock(o *ClientOptions, now func() time.Time) *ClientOptions {
	o.now = now
	return o
}
