package main

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// newConnGrace is how long a new connection may stay silent before it counts as idle:
// a client that connects sends its request at once, so a connection that has sent
// nothing for this long may be closed to admit another when every slot is taken.
const newConnGrace = 2 * time.Second

// connLimiter is a listener that serves at most max connections at once. Unlike
// netutil.LimitListener, which waits for a connection to end, it makes room when every
// slot is taken: it closes the connection idle the longest (a keep-alive connection
// between requests, or one that has sent nothing for grace). One client holding every
// slot with idle keep-alive connections then no longer locks others out; connections
// busy with a request are never closed (the read and write timeouts bound those).
//
// http.Server reports each connection's state through setState (its ConnState hook).
type connLimiter struct {
	net.Listener
	max   int
	grace time.Duration
	now   func() time.Time

	mu      sync.Mutex
	conns   map[*limitedConn]struct{}
	changed chan struct{} // signalled (capacity 1) when a slot frees or a connection turns idle
	done    chan struct{} // closed by Close
	once    sync.Once
}

// newConnLimiter limits ln to max connections; now is the clock (nil: time.Now).
func newConnLimiter(ln net.Listener, max int, grace time.Duration, now func() time.Time) *connLimiter {
	if now == nil {
		now = time.Now
	}
	return &connLimiter{Listener: ln, max: max, grace: grace, now: now,
		conns: make(map[*limitedConn]struct{}, min(max, 1024)), changed: make(chan struct{}, 1), done: make(chan struct{})}
}

// limitedConn is a connection holding a slot until it is closed.
type limitedConn struct {
	net.Conn
	l     *connLimiter
	once  sync.Once
	state http.ConnState // guarded by l.mu
	since time.Time      // when state was entered; guarded by l.mu
}

// Close closes the connection and frees its slot (once, whoever closes first).
func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c) })
	return err
}

// Accept accepts a connection, then waits for a slot for it, closing an idle connection
// to make one when every slot is taken. Waiting after accepting (not before) means a slot
// is only reclaimed for a client that is there; clients beyond it wait in the kernel's
// backlog, as with netutil.LimitListener.
func (l *connLimiter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: l}
	if err := l.admit(lc); err != nil {
		c.Close()
		return nil, err
	}
	return lc, nil
}

// admit takes a slot for c, evicting the longest-idle connection while none is free.
func (l *connLimiter) admit(c *limitedConn) error {
	for {
		l.mu.Lock()
		if len(l.conns) < l.max {
			c.state, c.since = http.StateNew, l.now()
			l.conns[c] = struct{}{}
			l.mu.Unlock()
			return nil
		}
		victim := l.idlest()
		l.mu.Unlock()
		if victim != nil {
			victim.Close() // frees its slot at once; its server goroutine then ends
			continue
		}
		if err := l.wait(); err != nil {
			return err
		}
	}
}

// wait waits until a slot frees, a connection turns idle, or grace has passed (a silent
// new connection may have outlived its grace by then): every connection was busy.
func (l *connLimiter) wait() error {
	timer := time.NewTimer(max(l.grace, time.Millisecond))
	defer timer.Stop()
	select {
	case <-l.changed:
	case <-timer.C:
	case <-l.done:
		return net.ErrClosed
	}
	return nil
}

// signal wakes a waiting admit.
func (l *connLimiter) signal() {
	select {
	case l.changed <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// idlest returns the connection idle the longest, nil when none may be closed; l.mu is
// held. A scan is linear in the slots, and only happens when they are all taken.
func (l *connLimiter) idlest() *limitedConn {
	now := l.now()
	var victim *limitedConn
	for c := range l.conns {
		evictable := c.state == http.StateIdle || (c.state == http.StateNew && now.Sub(c.since) >= l.grace)
		if evictable && (victim == nil || c.since.Before(victim.since)) {
			victim = c
		}
	}
	return victim
}

// release frees c's slot.
func (l *connLimiter) release(c *limitedConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	l.signal()
}

// setState is http.Server.ConnState: it records when each connection turns idle or
// busy.
func (l *connLimiter) setState(nc net.Conn, state http.ConnState) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	c, ok := nc.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	if _, tracked := l.conns[c]; tracked {
		c.state, c.since = state, l.now()
	}
	l.mu.Unlock()
	if state == http.StateIdle {
		l.signal()
	}
}

// Close closes the listener and ends a wait for a slot.
func (l *connLimiter) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// NetConn returns the connection underneath, so that a fault can reach the TCP socket (a
// reset sets its linger to 0).
func (c *limitedConn) NetConn() net.Conn { return c.Conn }
