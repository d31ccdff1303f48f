package mock_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// BenchmarkStoreRead reads one scripted operation, serially and from all cores.
func BenchmarkStoreRead(b *testing.B) {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10_000 {
		_, _ = store.Put(scripted(fmt.Sprintf("op-%d", i)))
	}
	ctx := b.Context()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := store.GetOperation(ctx, fmt.Sprintf("op-%d", i%10_000)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := store.GetOperation(ctx, fmt.Sprintf("op-%d", i%10_000)); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkStoreMemory stores 1,000,000 operations and reports the heap they take.
func BenchmarkStoreMemory(b *testing.B) {
	const n = 1_000_000
	ops := make([]mock.Operation, n)
	loc := "/availablePhoneNumbers/searchResults/00000000-0000-4000-8000-000000000000?api-version=2022-12-01"
	for i := range ops {
		ops[i] = mock.Operation{
			ID:               fmt.Sprintf("search_%08d-0000-4000-8000-000000000000", i),
			OperationType:    types.PhoneNumberOperationTypeSearch,
			CreatedDateTime:  time.Date(2023, 7, 14, 19, 48, 16, 339774100, time.UTC),
			ResourceLocation: &loc,
			Timeline: []mock.Step{
				{Status: types.PhoneNumberOperationStatusNotStarted},
				{Status: types.PhoneNumberOperationStatusRunning, AfterPolls: 1},
				{Status: types.PhoneNumberOperationStatusSucceeded, AfterPolls: 3},
			},
		}
	}
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		store, err := mock.NewMemoryStore(nil, &mock.MemoryStoreOptions{MaxOperations: n})
		if err != nil {
			b.Fatal(err)
		}
		for i := range ops {
			if _, err := store.Put(ops[i]); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heapB/op-stored")
		runtime.KeepAlive(store)
	}
}
