package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"the CLI, tagged", debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v1.2.0"}}, "v1.2.0"},
		{"the CLI, untagged", debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v0.0.0-20261126080000-cd5de83a1b2c+dirty"}}, "v0.0.0-20261126080000-cd5de83a1b2c.dirty"},
		{"incompatible", debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v2.0.0+incompatible"}}, "v2.0.0-incompatible"},
		{"go run", debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "(devel)"}}, devel},
		{"a program importing the client", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v3.0.0"},
			Deps: []*debug.Module{{Path: "github.com/Azure/azure-sdk-for-go/sdk/azcore", Version: "v1.24.0"}, {Path: ModulePath, Version: "v0.4.1"}}}, "v0.4.1"},
		{"replaced", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: ModulePath, Version: "v0.4.1", Replace: &debug.Module{Path: "../pn", Version: ""}}}}, "v0.4.1"},
	}
	for _, tt := range tests {
		if got := fromBuildInfo(&tt.info); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
