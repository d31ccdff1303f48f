package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// Bounds of a resource --auto-resources creates: anyone who reaches the server can name
// one, so each is small (64 of them hold at most 256 MiB of operations).
const (
	autoResourceOperations = 1000
	autoResourceBytes      = 4 << 20
)

// mockFactory builds the mocks serve hosts: the default one at the root and one per
// resource, each with its own store (the same start-up operations and fault rules),
// journal and key.
type mockFactory struct {
	cmd    *serveCmd
	ops    []mock.Operation
	rules  []mock.Fault
	seed   uint64
	logger *slog.Logger
	now    func() time.Time
	named  []string // the resources named on the command line, for the start-up log
	store  *storeBackend
	ctx    context.Context
}

// build returns the mock of resource name ("" for the default one) with key (open when
// empty) and its store; bounds, when set, are an auto resource's store options.
func (f *mockFactory) build(name, key string, bounds *mock.MemoryStoreOptions) (*mock.Server, mock.Store, error) {
	opts := mock.MemoryStoreOptions{MaxOperations: f.cmd.MaxOperations, Now: f.now,
		LastAction: mock.LastActionMode(f.cmd.LastAction), Faults: f.rules, Seed: f.seed}
	if bounds != nil {
		opts.MaxOperations, opts.MaxTotalBytes = bounds.MaxOperations, bounds.MaxTotalBytes
	}
	store, err := f.store.newStore(f.ctx, name, f.ops, opts, f.cmd.OperationTTL, f.cmd.JournalSize, f.logger)
	if err != nil {
		return nil, nil, err
	}
	srv, err := mock.New(store, &mock.Options{
		Options: server.Options{
			AccessKey: key, MaxClockSkew: f.cmd.MaxClockSkew, APIVersions: splitList(f.cmd.APIVersions),
			Logger: f.logger, Now: f.now,
		},
		JournalSize: f.cmd.JournalSize, DisableControlAPI: f.cmd.NoControlAPI,
	})
	return srv, store, err
}

// resources returns the handler serving root and every resource of --resource (and
// --auto-resources); root alone when there are none.
func (f *mockFactory) resources(root http.Handler) (http.Handler, error) {
	if len(f.cmd.Resources) == 0 && !f.cmd.AutoResources {
		return root, nil
	}
	named := map[string]http.Handler{}
	for _, spec := range f.cmd.Resources {
		name, key, err := parseResource(spec, f.cmd.AccessKey)
		if err != nil {
			return nil, err
		}
		if err := mock.CheckResourceName(name); err != nil {
			return nil, fmt.Errorf("--resource: %w", err)
		}
		if _, dup := named[name]; dup {
			return nil, fmt.Errorf("--resource %s is given twice", name)
		}
		h, _, err := f.build(name, key, nil)
		if err != nil {
			return nil, fmt.Errorf("--resource %s: %w", name, err)
		}
		named[name] = h
		f.named = append(f.named, name)
	}
	sort.Strings(f.named)
	opts := &mock.ResourcesOptions{Default: root, Named: named, MaxAuto: f.cmd.MaxResources}
	if f.cmd.AutoResources {
		opts.New = func(name string) (http.Handler, error) {
			h, _, err := f.build(name, "", &mock.MemoryStoreOptions{MaxOperations: autoResourceOperations, MaxTotalBytes: autoResourceBytes})
			if err == nil {
				f.logger.Info("resource created", "resource", name)
			}
			return h, err
		}
	}
	return mock.NewResources(opts)
}

// parseResource splits NAME[=KEY]; a resource without a key of its own takes the
// server's (--access-key), if any. The key is checked when the mock is built.
func parseResource(spec, serverKey string) (name, key string, err error) {
	name, key, hasKey := strings.Cut(strings.TrimSpace(spec), "=")
	if name == "" {
		return "", "", fmt.Errorf("--resource %q: want NAME or NAME=KEY", spec)
	}
	if !hasKey {
		key = serverKey
	} else if key == "" {
		return "", "", fmt.Errorf("--resource %s=: the key is empty; give the resource's base64 access key, or leave out '=' for --access-key's", name)
	}
	return name, key, nil
}

// logResources says where each resource is served.
func (f *mockFactory) logResources(baseURL string) {
	for _, name := range f.named {
		if f.cmd.NoControlAPI {
			f.logger.Info("resource", "resource", name, "endpoint", baseURL+"/"+name)
		} else {
			f.logger.Info("resource", "resource", name, "endpoint", baseURL+"/"+name, "dashboard", baseURL+"/"+name+mock.UIPath)
		}
	}
	if f.cmd.AutoResources {
		f.logger.Info("resources are created on first use", "endpoint", baseURL+"/<name>", "max", f.cmd.MaxResources)
		if f.cmd.AccessKey != "" {
			f.logger.Warn("--auto-resources creates open resources (no key), though the server has one: anyone who reaches the port can script them (docs/security.md)")
		}
	}
}
