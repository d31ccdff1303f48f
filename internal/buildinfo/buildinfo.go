// Package buildinfo says which version of this module a binary was built from, so that
// the CLI's --version and the client's User-Agent always agree.
package buildinfo

import (
	"runtime/debug"
	"strings"
	"sync"
)

// ModulePath is this module's path.
const ModulePath = "github.com/phonenumbers-go/phonenumbers"

// Version returns the version of this module in the running binary, as the Go toolchain
// stamped it: a tag such as "v1.2.0", a pseudo-version built from the commit
// ("v0.0.0-20261126080000-cd5de83a1b2c", "+dirty" when the tree had changes), or "v0.0.0-devel"
// when the toolchain recorded none (go run, tests).
func Version() string { return version() }

var version = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return devel
	}
	return fromBuildInfo(info)
})

// devel is the version of a build the toolchain did not stamp; azcore requires the "v" form.
const devel = "v0.0.0-devel"

func fromBuildInfo(info *debug.BuildInfo) string {
	v := ""
	if info.Main.Path == ModulePath {
		v = info.Main.Version
	}
	for _, dep := range info.Deps {
		if dep.Path == ModulePath {
			v = dep.Version
			if dep.Replace != nil && dep.Replace.Version != "" {
				v = dep.Replace.Version
			}
		}
	}
	if v == "" || v == "(devel)" {
		return devel
	}
	return withoutBuildMetadata(v)
}

// withoutBuildMetadata folds semver build metadata ("+dirty", "+incompatible") into the
// pre-release part, because azcore accepts only v1.2.3[-pre] in a User-Agent and would
// refuse every request: v0.0.0-2026…-abc+dirty becomes v0.0.0-2026…-abc.dirty, v2.0.0+x
// becomes v2.0.0-x.
func withoutBuildMetadata(v string) string {
	base, meta, ok := strings.Cut(v, "+")
	if !ok {
		return v
	}
	if strings.Contains(base, "-") {
		return base + "." + meta
	}
	return base + "-" + meta
}
