// Package phonenumbers is the root of the phonenumbers module: a spec-first Go toolkit for the
// Azure Communication Services Phone Numbers Get Operation API.
//
// The single source of truth is openapi/phonenumbers.yaml. Run `go generate ./...` (or
// `make generate`) to regenerate the *.gen.go files in pkg/types, pkg/client and pkg/server
// from it; oapi-codegen is pinned by the tool directive in go.mod, so nothing needs installing.
package phonenumbers

//go:generate go tool oapi-codegen -config openapi/types.cfg.yaml openapi/phonenumbers.yaml
//go:generate go tool oapi-codegen -config openapi/client.cfg.yaml openapi/phonenumbers.yaml
//go:generate go tool oapi-codegen -config openapi/server.cfg.yaml openapi/phonenumbers.yaml
//go:generate go tool oapi-codegen -config openapi/control.cfg.yaml openapi/control.yaml
//go:generate go tool oapi-codegen -config openapi/controlclient.cfg.yaml openapi/control.yaml
