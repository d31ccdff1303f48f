package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// storeBackend is where serve's mocks keep their state: in the process (rdb nil) or in
// Redis, shared with every other serve using the same Redis.
type storeBackend struct {
	rdb      *redis.Client
	redacted string // the --store URL as scheme://host:port/db only, for logs
}

// openStore reads --store: "memory" (the default) or redis://[user:password@]HOST:PORT/DB
// (rediss:// for TLS). A password not in the URL is taken from password
// (PHONENUMBERS_REDIS_PASSWORD). Neither the password nor the URL holding it is ever
// printed: messages name the URL as redactStoreURL writes it, scheme://host:port/db,
// without the user (an old form gives the password as the user) and the query (which
// may hold a password too).
func openStore(spec, password string) (*storeBackend, error) {
	if spec == "" || spec == "memory" {
		return &storeBackend{}, nil
	}
	u, err := url.Parse(spec)
	if err != nil {
		// url.Parse's error quotes the whole text, a password included: never print it.
		return nil, errors.New("--store: not a URL; want memory, redis://HOST:PORT/DB or rediss://HOST:PORT/DB")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("--store %s: want memory, redis://HOST:PORT/DB or rediss://HOST:PORT/DB", redactStoreURL(u))
	}
	opts, err := redis.ParseURL(spec)
	if err != nil {
		return nil, fmt.Errorf("--store %s: %s", redactStoreURL(u), redactedError(err, u))
	}
	if _, has := u.User.Password(); !has && password != "" {
		opts.Password = password
	}
	// Every call is bounded: while Redis is unreachable a request waits at most
	// mock.DefaultRedisTimeout, then is answered 503. No retries: a request counted by
	// Redis whose answer was lost must not be counted again.
	opts.DialTimeout = mock.DefaultRedisTimeout
	opts.ReadTimeout = mock.DefaultRedisTimeout
	opts.WriteTimeout = mock.DefaultRedisTimeout
	opts.PoolTimeout = mock.DefaultRedisTimeout
	opts.ContextTimeoutEnabled = true
	opts.MaxRetries = -1
	opts.DialerRetries = 1
	// go-redis reports its pool's dial failures on its own logger (the standard error):
	// serve says when Redis is lost and found again, once each, through its log instead.
	redis.SetLogger(quietRedisLog{})
	return &storeBackend{rdb: redis.NewClient(opts), redacted: redactStoreURL(u)}, nil
}

// redactStoreURL is u as scheme://host:port/db: no user, password, query or fragment,
// and a database that is not a number shown as "/..." (it may be a misplaced password).
func redactStoreURL(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if db := strings.TrimPrefix(u.Path, "/"); strings.Trim(db, "0123456789") != "" {
		r.Path = "/..."
	}
	return r.String()
}

// redactedError is err's text with every part of u that may hold a secret replaced: the
// user name, the password, the query's values, and the path (a malformed database may be
// a misplaced password).
func redactedError(err error, u *url.URL) string {
	msg := err.Error()
	var secrets []string
	if u.User != nil {
		secrets = append(secrets, u.User.Username())
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p)
		}
	}
	for _, vs := range u.Query() {
		secrets = append(secrets, vs...)
	}
	secrets = append(secrets, u.RawQuery, strings.TrimPrefix(u.Path, "/"))
	for _, sec := range secrets {
		if len(sec) > 1 { // a one-character value is no secret, and would garble the text
			msg = strings.ReplaceAll(msg, sec, "xxxxx")
		}
	}
	return msg
}

// close releases the Redis connections, if any.
func (b *storeBackend) close() {
	if b.rdb != nil {
		_ = b.rdb.Close()
	}
}

// describe says where the state is kept, for the start-up log.
func (b *storeBackend) describe() string {
	if b.rdb == nil {
		return "memory"
	}
	return b.redacted
}

// newStore returns a store for resource name ("" for the default one) over ops.
func (b *storeBackend) newStore(ctx context.Context, name string, ops []mock.Operation, opts mock.MemoryStoreOptions, ttl time.Duration, journalSize int, logger *slog.Logger) (mock.Store, error) {
	if b.rdb == nil {
		return mock.NewMemoryStore(ops, &opts)
	}
	return mock.NewRedisStore(ctx, b.rdb, ops, &mock.RedisStoreOptions{
		MemoryStoreOptions: opts, Namespace: name, OperationTTL: ttl, JournalSize: journalSize, Logger: logger,
	})
}

// quietRedisLog drops go-redis's own log lines (dial failures while Redis is down, one a
// request): the store logs the outage once, and its end.
type quietRedisLog struct{}

func (quietRedisLog) Printf(context.Context, string, ...any) {}

// checkAuth pings Redis once at start-up: a refused password is a mistake to say now (exit
// 2), not an outage to wait out with 503s. An unreachable Redis is not an error here: the
// store answers 503 until it is back, and recovers by itself.
func (b *storeBackend) checkAuth(ctx context.Context) error {
	if b.rdb == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, mock.DefaultRedisTimeout)
	defer cancel()
	err := b.rdb.Ping(ctx).Err()
	if err == nil {
		return nil
	}
	for _, refusal := range []string{"NOAUTH", "WRONGPASS", "invalid password", "unauthenticated"} {
		if strings.Contains(err.Error(), refusal) {
			return fmt.Errorf("--store %s: Redis refused the credentials (%s): check the password in the URL or in PHONENUMBERS_REDIS_PASSWORD", b.redacted, refusal)
		}
	}
	return nil
}
