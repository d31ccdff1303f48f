package main

import (
	"fmt"
	"log/slog"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/replay"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// withRecordings returns ops and the operations recorded under path (serve --recordings);
// an id in both is an error, since one of them could not be served.
func withRecordings(ops []mock.Operation, path string, statesOnly bool, logger *slog.Logger) ([]mock.Operation, error) {
	exs, err := conformance.ReadRecordings(path)
	if err != nil {
		return nil, fmt.Errorf("--recordings: %w", err)
	}
	recorded, sum, err := replay.Operations(exs, &replay.Options{StatesOnly: statesOnly})
	if err != nil {
		return nil, fmt.Errorf("--recordings: %w", err)
	}
	if sum.Operations == 0 {
		return nil, fmt.Errorf("--recordings %s: no recorded 200 answer to GET /phoneNumbers/operations/{id} (%s)", textutil.Printable(path, false), sum)
	}
	ids := make(map[string]bool, len(ops))
	for _, op := range ops {
		ids[op.ID] = true
	}
	for _, op := range recorded {
		if ids[op.ID] {
			return nil, fmt.Errorf("--recordings: operation %s is both recorded and in the fixtures (or the defaults); rename one", textutil.QuoteID(op.ID))
		}
	}
	logger.Info("recordings loaded", "path", textutil.Printable(path, false), "summary", sum.String())
	return append(ops, recorded...), nil
}
