// Package fastpath is the one place where this module trades plainness for speed on the
// server's request path. Each speed-up lives in a subpackage of its own, states in its
// package comment what a benchmark or an A/B load run showed it buys, and has a test
// proving it answers exactly as the stock component it replaces:
//
//   - accesslog: request lines written byte for byte as slog's text and JSON handlers
//     write them, without building slog records (the log went from ~13% of the server's
//     CPU to ~4%); TestAccessLogMatchesSlog, TestHandleRequestMatchesHandle.
//   - querycache: the parsed form of "api-version=V" shared between requests (an A/B
//     load run without it: 0.93x); TestCacheEqualsParseQuery.
//   - shapememo: kin-openapi's verdict remembered per parameter shape while every
//     parameter is a plain string (without it: 0.92x); pkg/server's
//     TestMemoizedValidationEqualsKinOpenAPI, and TestMemoIsOnForTheSpec, which fails
//     when a spec change would switch it off.
//   - packedtext: the mock journal's records as one pointer-free string each (ring 216 →
//     56 KB, live heap −180 KB); TestPackRoundTrips.
//   - gcfloor: a floor under the garbage collector's heap goal for `serve`
//     (--gc-floor-mib; GOGC, when set, wins); TestRuntimeGoalAtTheFloor.
//
// Anything that measured as noise went back to the stock component: oapi-codegen's own
// templates are used unchanged (a fork of strict-echo.tmpl bought nothing measurable in an
// A/B load run). docs/performance.md has the runs.
package fastpath
