package mock

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/redistest"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// bigOperation is the review's operation: 2 steps of 28 headers of 1,000 bytes (~61 KB as
// the store counts it).
func bigOperation(id string) Operation {
	step := func(status types.PhoneNumberOperationStatus, afterPolls int) Step {
		h := make(map[string]string, 28)
		for i := range 28 {
			h[fmt.Sprintf("X-Big-%02d", i)] = strings.Repeat(string(rune('a'+i%26)), 1000)
		}
		return Step{Status: status, AfterPolls: afterPolls, Headers: h}
	}
	return Operation{ID: id, OperationType: types.PhoneNumberOperationTypePurchase,
		Timeline: []Step{step(types.PhoneNumberOperationStatusRunning, 0), step(types.PhoneNumberOperationStatusSucceeded, 1)}}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestRedisStoreCacheBoundedByBytes (review, HIGH): a replica's cache of decoded
// operations was bounded by count only: 10,000 POSTs of ~60 KB operations reached 1.3 GB
// RSS while Redis held 63.5 MB. It is bounded by MaxTotalBytes, counting each operation's
// size and its encoded bodies, least recently used evicted first; heap stays bounded.
func TestRedisStoreCacheBoundedByBytes(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	const bound = 2 << 20
	tests := []struct {
		name   string
		writer bool // stores through the replica itself (PutContext caches too)
		mode   LastActionMode
	}{
		{"put and read on one replica", true, LastActionLive},
		{"read on another replica", false, LastActionLive},
		{"step mode", false, LastActionStep},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := RedisStoreOptions{Prefix: fmt.Sprintf("cache%d", i),
				MemoryStoreOptions: MemoryStoreOptions{MaxTotalBytes: bound, MaxOperations: 10_000, LastAction: tc.mode}}
			reader, err := NewRedisStore(ctx, rdb, nil, &opts)
			if err != nil {
				t.Fatal(err)
			}
			writer := reader
			if !tc.writer {
				if writer, err = NewRedisStore(ctx, rdb, nil, &opts); err != nil {
					t.Fatal(err)
				}
			}
			before := heapInUse()
			const n = 150 // ~9 MB of operations, 4.5 times the bound
			for k := range n {
				id := fmt.Sprintf("big%04d", k)
				if _, err := writer.PutContext(ctx, bigOperation(id)); err != nil {
					t.Fatal(err)
				}
				for range 2 { // both steps encoded and cached
					if _, err := reader.GetEncodedOperation(ctx, id); err != nil {
						t.Fatal(err)
					}
				}
				if _, b := reader.cacheUse(); b > bound {
					t.Fatalf("after %d operations the cache counts %d bytes, over the bound of %d", k+1, b, bound)
				}
			}
			entries, b := reader.cacheUse()
			if entries == 0 || entries >= n/4 {
				t.Errorf("the cache holds %d of %d operations (%d bytes)", entries, n, b)
			}
			grown := int64(heapInUse()) - int64(before)
			t.Logf("cache: %d operations, %d bytes; heap in use grew by %.1f MiB", entries, b, float64(grown)/(1<<20))
			if grown > 6*bound { // the cache, the writer's (as large), go-redis buffers
				t.Errorf("heap in use grew by %d bytes for a cache bounded at %d", grown, bound)
			}
			// The most recent operation is still served, from the cache or Redis.
			if _, err := reader.GetOperation(ctx, fmt.Sprintf("big%04d", n-1)); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestRedisStoreGenUniqueAcrossDataLoss (review, HIGH): Redis that lost its data restarted
// the gen counter, and a replica whose cached copy had the same gen served the old
// operation for ever. Gens carry an epoch set when the namespace's data is created.
func TestRedisStoreGenUniqueAcrossDataLoss(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	seed := []Operation{{ID: "seeded", OperationType: types.PhoneNumberOperationTypePurchase,
		Timeline: []Step{{Status: types.PhoneNumberOperationStatusRunning}}}}
	for _, lose := range []string{"FLUSHDB", "FLUSHALL"} {
		t.Run(lose, func(t *testing.T) {
			opts := RedisStoreOptions{Prefix: "epoch" + lose}
			a, err := NewRedisStore(ctx, rdb, seed, &opts)
			if err != nil {
				t.Fatal(err)
			}
			b, err := NewRedisStore(ctx, rdb, seed, &opts)
			if err != nil {
				t.Fatal(err)
			}
			op := func(status types.PhoneNumberOperationStatus, version string) Operation {
				return Operation{ID: "x", OperationType: types.PhoneNumberOperationTypePurchase,
					Timeline: []Step{{Status: status, Headers: map[string]string{"X-Version": version}}}}
			}
			if _, err := a.PutContext(ctx, op(types.PhoneNumberOperationStatusRunning, "OLD")); err != nil {
				t.Fatal(err)
			}
			if got, err := b.GetEncodedOperation(ctx, "x"); err != nil || got.Header.Get("X-Version") != "OLD" {
				t.Fatalf("b before the loss: %v %v", got.Header, err)
			}
			if err := rdb.Do(ctx, lose).Err(); err != nil {
				t.Fatal(err)
			}
			if _, err := a.LenContext(ctx); err != nil { // re-seeds: the seeded operation takes gen .1 again
				t.Fatal(err)
			}
			if _, err := a.PutContext(ctx, op(types.PhoneNumberOperationStatusSucceeded, "NEW")); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				got, err := b.GetEncodedOperation(ctx, "x")
				if err != nil || got.Header.Get("X-Version") != "NEW" || !strings.Contains(string(got.Body), `"succeeded"`) {
					t.Fatalf("b after the loss: %v %s %v; want the new operation", got.Header, got.Body, err)
				}
				st, err := b.GetOperation(ctx, "x")
				if err != nil || st.Status != types.PhoneNumberOperationStatusSucceeded {
					t.Fatalf("b after the loss: %v %v", st.Status, err)
				}
			}
		})
	}
}
