package gateway

import (
	"context"
	"errors"
	"io"
	"iter"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// DefaultHeartbeatInterval is asked of the server when StreamOptions leaves
// HeartbeatInterval zero. The client always names the interval, rather than
// relying on the server's default, because stall detection must know it.
const DefaultHeartbeatInterval = 5 * time.Second

// stallIntervals is how many heartbeat intervals of silence mean the stream
// is dead: one missed heartbeat can be a busy server, three is a broken path.
const stallIntervals = 3

// ErrStalled ends a stream call that received neither an event nor a
// heartbeat for three heartbeat intervals; the feed then reconnects. It is a
// codes.Unavailable *Error, so that a feed giving up on a silent gateway
// reports it as unavailable, as it does a gateway that refuses connections.
var ErrStalled error = &Error{
	Code:    codes.Unavailable,
	Message: "stream stalled: nothing received for three heartbeat intervals",
	Reason:  "STREAM_STALLED",
	Domain:  "client",
}

// ErrStreamEnded ends a stream call the server closed without an error, which
// an endless feed never does on purpose; the feed then reconnects. Like
// ErrStalled it is a codes.Unavailable *Error.
var ErrStreamEnded error = &Error{Code: codes.Unavailable, Message: "stream ended by the server"}

// StreamRetry describes a failure of OrderEvents, Fills or Positions that a
// reconnection follows (see WithOnRetry).
type StreamRetry struct {
	// Attempt numbers the reconnection about to be made among those failing
	// in a row: 1 after a call that had delivered, MaxReconnects at most.
	Attempt int
	// MaxReconnects is the bound (WithMaxReconnects); negative for none.
	MaxReconnects int
	// AfterSequence is where the next call resumes.
	AfterSequence int64
	// Err ended the previous call.
	Err error
	// Delay is the pause before the reconnection.
	Delay time.Duration
}

// reconnectPolicy is how a feed reconnects: the pauses, the bound on
// reconnections failing in a row, and who hears of them.
type reconnectPolicy struct {
	backoff RetryPolicy
	max     int
	onRetry func(StreamRetry)
}

// StreamOptions selects a feed and where it starts.
type StreamOptions struct {
	// AfterSequence starts the feed after this journal sequence; 0 replays
	// the whole journal. Pass the sequence of the last event you processed
	// to continue where an earlier run stopped.
	AfterSequence int64
	// Account keeps only this account's events; all accounts when empty.
	Account string
	// OrderID keeps only this order's events; all orders when empty.
	OrderID string
	// HeartbeatInterval is how often an idle stream carries a heartbeat,
	// 100ms to 1h; DefaultHeartbeatInterval when zero.
	HeartbeatInterval time.Duration
	// OnReconnect, when set, hears of every reconnection of this feed: the
	// error that ended the previous call and the sequence the next call
	// resumes after. It runs on the iterating goroutine, before the backoff
	// pause, after the client's WithOnRetry function.
	OnReconnect func(err error, afterSequence int64)
}

func (o StreamOptions) interval() time.Duration {
	return heartbeatOr(o.HeartbeatInterval)
}

func (o StreamOptions) feed() feedOptions {
	return feedOptions{after: o.AfterSequence, interval: o.interval(), onReconnect: o.OnReconnect}
}

func heartbeatOr(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultHeartbeatInterval
	}
	return d
}

// feedOptions are what follow needs of a feed's options, whatever its events.
type feedOptions struct {
	after       int64
	interval    time.Duration
	onReconnect func(err error, afterSequence int64)
}

// OrderEvents yields order events (status changes, fills, cancellations,
// modifications) after opts.AfterSequence, in journal order, replaying the
// journal first and then following it live, until ctx is done or the loop
// stops.
//
// A dropped, cut or stalled call is reopened after the last sequence seen,
// heartbeats included, so no event is skipped or repeated. Reconnections
// back off under the client's stream policy (WithStreamBackoff) and are
// reported to WithOnRetry. The sequence ends with an error when ctx is done
// (ctx.Err()), on an error that a reconnection would not cure (e.g.
// InvalidArgument), or with the last error once WithMaxReconnects
// reconnections in a row have failed (codes.Unavailable for a gateway that
// went away).
func (c *Client) OrderEvents(ctx context.Context, opts StreamOptions) iter.Seq2[*gatewayv1.OrderEvent, error] {
	hb := durationpb.New(opts.interval())
	return follow(ctx, c.reconnects, opts.feed(), func(ctx context.Context, after int64) (receiver[*gatewayv1.OrderEvent], error) {
		s, err := c.rpc.StreamOrderEvents(ctx, &gatewayv1.StreamOrderEventsRequest{
			AfterSequence: after, Account: opts.Account, OrderId: opts.OrderID, HeartbeatInterval: hb,
		})
		return receiverOf[*gatewayv1.OrderEvent](s, err)
	})
}

// Fills is OrderEvents restricted to fill events: each yielded event's Fill
// is set, and its Order is the order right after the fill. Sequences are
// those of the shared journal, so they have gaps, and resuming is the same.
func (c *Client) Fills(ctx context.Context, opts StreamOptions) iter.Seq2[*gatewayv1.OrderEvent, error] {
	hb := durationpb.New(opts.interval())
	return follow(ctx, c.reconnects, opts.feed(), func(ctx context.Context, after int64) (receiver[*gatewayv1.OrderEvent], error) {
		s, err := c.rpc.StreamFills(ctx, &gatewayv1.StreamFillsRequest{
			AfterSequence: after, Account: opts.Account, OrderId: opts.OrderID, HeartbeatInterval: hb,
		})
		return receiverOf[*gatewayv1.OrderEvent](s, err)
	})
}

// sequenced is an event of the journal: what the cursor orders by.
type sequenced interface {
	GetSequence() int64
}

// feedMessage is what every streaming response is: an event or a heartbeat.
type feedMessage[E sequenced] interface {
	GetEvent() E
	GetHeartbeat() *gatewayv1.Heartbeat
}

// receiver reads the next message of one open stream call.
type receiver[E sequenced] func() (feedMessage[E], error)

// opener starts a stream call after the given sequence.
type opener[E sequenced] func(ctx context.Context, after int64) (receiver[E], error)

// receiverOf adapts a generated stream, whose Recv returns *T, to receiver.
func receiverOf[E sequenced, T any, PT interface {
	*T
	feedMessage[E]
}](s grpc.ServerStreamingClient[T], err error) (receiver[E], error) {
	if err != nil {
		return nil, err
	}
	return func() (feedMessage[E], error) {
		msg, err := s.Recv()
		if err != nil {
			return nil, err
		}
		return PT(msg), nil
	}, nil
}

// follow is the reconnecting feed behind OrderEvents, Fills and Positions:
// sessions one after another from the cursor, with backoff between them.
func follow[E sequenced](ctx context.Context, policy reconnectPolicy, opts feedOptions, open opener[E]) iter.Seq2[E, error] {
	return func(yield func(E, error) bool) {
		var none E
		cur := cursor{last: opts.after}
		stallAfter := stallIntervals * opts.interval
		failures := 0
		for {
			received, stopped, err := session(ctx, open, &cur, stallAfter, yield)
			if stopped {
				return
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				yield(none, ctxErr)
				return
			}
			if !resumable(err) {
				yield(none, err)
				return
			}
			if received {
				failures = 0
			}
			failures++
			if policy.max >= 0 && failures > policy.max {
				yield(none, err)
				return
			}
			delay := policy.backoff.backoff(failures)
			if policy.onRetry != nil {
				policy.onRetry(StreamRetry{
					Attempt: failures, MaxReconnects: policy.max, AfterSequence: cur.last, Err: err, Delay: delay,
				})
			}
			if opts.onReconnect != nil {
				opts.onReconnect(err, cur.last)
			}
			if sleep(ctx, delay) != nil {
				yield(none, ctx.Err())
				return
			}
		}
	}
}

// session runs one stream call from the cursor until it fails or the caller
// stops (stopped). received reports whether anything at all arrived, which
// proves the gateway reachable and resets the reconnection backoff.
func session[E sequenced](ctx context.Context, open opener[E], cur *cursor, stallAfter time.Duration, yield func(E, error) bool) (received, stopped bool, err error) {
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The watchdog runs only while waiting on the server, never while the
	// caller handles an event: a slow consumer is not a stalled stream (the
	// server cuts that one with RESOURCE_EXHAUSTED instead).
	var stalled atomic.Bool
	watchdog := time.AfterFunc(stallAfter, func() {
		stalled.Store(true)
		cancel()
	})
	defer watchdog.Stop()

	recv, err := open(callCtx, cur.last)
	for err == nil {
		watchdog.Reset(stallAfter)
		var msg feedMessage[E]
		msg, err = recv()
		watchdog.Stop()
		if err != nil {
			break
		}
		received = true
		if hb := msg.GetHeartbeat(); hb != nil {
			cur.advance(hb.GetLastSequence())
			continue
		}
		// Sequences start at 1: a message with neither payload reads as an
		// event of sequence 0 (the getters are nil-safe) and is skipped.
		if ev := msg.GetEvent(); ev.GetSequence() > 0 && cur.accept(ev.GetSequence()) {
			if !yield(ev, nil) {
				return received, true, nil
			}
		}
	}
	switch {
	case stalled.Load():
		return received, false, ErrStalled
	case errors.Is(err, io.EOF):
		return received, false, ErrStreamEnded
	}
	return received, false, convert(ctx, err)
}

// resumable reports whether reopening the stream can cure err. The gateway
// ends streams with UNAVAILABLE when it shuts down and RESOURCE_EXHAUSTED
// (STREAM_BUFFER_OVERFLOW) when the consumer fell behind; both say to resume.
// A CANCELLED the caller did not cause comes from the transport or a proxy.
// Other RESOURCE_EXHAUSTED, e.g. a message over the size limit, would recur.
func resumable(err error) bool {
	if errors.Is(err, ErrStalled) || errors.Is(err, ErrStreamEnded) {
		return true
	}
	switch Code(err) {
	case codes.Unavailable, codes.Canceled, codes.Aborted:
		return true
	case codes.ResourceExhausted:
		return Reason(err) == "STREAM_BUFFER_OVERFLOW"
	}
	return false
}
