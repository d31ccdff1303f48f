package main

import (
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of serve's log buffer.
const (
	// logFlushInterval bounds how long a log line may sit in the buffer.
	logFlushInterval = 100 * time.Millisecond
	// logBatchBytes wakes the writer early: a busy server writes in batches of about this
	// size rather than one write per request (the load profile showed a write per request).
	logBatchBytes = 64 << 10
	// maxLogPendingBytes bounds the lines waiting for the log output; beyond it lines are
	// dropped and counted, so that an output nobody reads never stops the server.
	maxLogPendingBytes = 4 << 20
	// logCloseTimeout bounds how long Close and flush wait for the output.
	logCloseTimeout = 2 * time.Second
)

// bufferedLog batches log lines for one writer goroutine, so that logging never blocks
// serving: Write only appends to a bounded buffer, and only the goroutine writes to the
// output. An output that blocks (stderr a pipe nobody reads) used to block every request
// once a flush held the lock; now lines beyond maxLogPendingBytes are dropped, counted,
// and reported through onDrop once the output takes lines again (and at Close).
type bufferedLog struct {
	w            io.Writer
	closeTimeout time.Duration // logCloseTimeout; shorter in tests
	maxPending   int           // maxLogPendingBytes; smaller in tests

	mu      sync.Mutex
	pending []byte // lines not yet handed to w
	dropped uint64 // lines dropped since the last report
	onDrop  func(n uint64)

	spare   []byte        // the writer goroutine's other buffer: batches swap with pending
	total   atomic.Uint64 // lines dropped in all
	wake    chan struct{} // capacity 1: a batch is ready
	flushes chan chan struct{}
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

func newBufferedLog(w io.Writer) *bufferedLog {
	b := &bufferedLog{w: w, closeTimeout: logCloseTimeout, maxPending: maxLogPendingBytes, wake: make(chan struct{}, 1), flushes: make(chan chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// setOnDrop sets the function told how many lines were dropped; it runs on the writer
// goroutine, outside the lock, and may log through b.
func (b *bufferedLog) setOnDrop(f func(n uint64)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onDrop = f
}

// Write queues p, one whole line (slog and the access log write a line per call); it never
// waits for the output. A line that does not fit is dropped and counted.
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	if len(b.pending)+len(p) > b.maxPending {
		b.dropped++
		b.mu.Unlock()
		b.total.Add(1)
		return len(p), nil
	}
	b.pending = append(b.pending, p...)
	full := len(b.pending) >= logBatchBytes
	b.mu.Unlock()
	if full {
		select {
		case b.wake <- struct{}{}:
		default: // already woken
		}
	}
	return len(p), nil
}

// Dropped is how many lines were dropped in all.
func (b *bufferedLog) Dropped() uint64 { return b.total.Load() }

// flush hands what is buffered to the output and waits, up to logCloseTimeout, until it
// is written (the start-up lines are wanted at once).
func (b *bufferedLog) flush() {
	ack := make(chan struct{})
	timer := time.NewTimer(b.closeTimeout)
	defer timer.Stop()
	select {
	case b.flushes <- ack:
	case <-b.done:
		return
	case <-timer.C:
		return
	}
	select {
	case <-ack:
	case <-timer.C:
	}
}

func (b *bufferedLog) loop() {
	defer close(b.done)
	t := time.NewTicker(logFlushInterval)
	defer t.Stop()
	for {
		var ack chan struct{}
		select {
		case <-t.C:
		case <-b.wake:
		case ack = <-b.flushes:
		case <-b.stop:
			b.writeBatch()
			b.writeBatch() // the report of lines dropped during the last batch
			return
		}
		b.writeBatch()
		if ack != nil {
			close(ack)
		}
	}
}

// writeBatch writes the pending lines outside the lock, then reports lines dropped.
func (b *bufferedLog) writeBatch() {
	b.mu.Lock()
	batch := b.pending
	b.pending = b.spare[:0]
	dropped, onDrop := b.dropped, b.onDrop
	b.dropped = 0
	b.mu.Unlock()
	if len(batch) > 0 {
		_, _ = b.w.Write(batch) // a log that cannot be written is not worth stopping for
	}
	b.spare = batch[:0]
	if dropped > 0 && onDrop != nil {
		onDrop(dropped) // logs through b: appended for the next batch
	}
}

// Close writes what is buffered and stops the writer, waiting up to logCloseTimeout for
// an output that blocks: a shutdown never hangs on its log.
func (b *bufferedLog) Close() error {
	b.closing.Do(func() { close(b.stop) })
	timer := time.NewTimer(b.closeTimeout)
	defer timer.Stop()
	select {
	case <-b.done:
	case <-timer.C:
	}
	return nil
}
