// Package mock is the programmable mock of the Phone Numbers Get Operation API, built on
// the reference server chain of package server.
//
//   - [MemoryStore] is a bounded, concurrency-safe store of scripted [Operation]s whose
//     status follows a timeline of [Step]s (by elapsed time or by number of polls),
//     evaluated when read: no background goroutines, and an injectable clock for tests.
//     It implements [Store], the contract the mock takes (server.EncodedOperationStore,
//     server.OperationCanceler and context-aware Put, Delete, Lookup, List, Reset, Len).
//   - [RedisStore] implements [Store] and [JournalStore] in Redis: replicas on one Redis
//     are one mock (docs/redis.md). Package storetest checks any store against the contract.
//   - [LoadFixtures] and [ParseFixtures] read operations from YAML or JSON, rejecting the
//     whole file, with the operation and field named, on any error.
//   - [New] serves a store through the server chain and adds a journal of the requests
//     received and the control API under /mock (openapi/control.yaml, generated into
//     package control), so tests can script operations and inspect traffic at run time.
package mock
