package gateway

import (
	"context"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc/codes"
)

// RetryPolicy bounds the attempts of a call and spaces them with exponential
// backoff and jitter.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt too: 1 disables retries, 0 retries
	// until the context is done.
	MaxAttempts int
	// InitialBackoff is the pause before the second attempt.
	InitialBackoff time.Duration
	// MaxBackoff caps the pause between attempts.
	MaxBackoff time.Duration
	// Multiplier grows the pause after each failed attempt.
	Multiplier float64
}

// DefaultRetryPolicy rides out a gateway restart of about a second.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:    5,
	InitialBackoff: 100 * time.Millisecond,
	MaxBackoff:     2 * time.Second,
	Multiplier:     2,
}

// DefaultStreamBackoff spaces the reconnections of feeds: with
// DefaultMaxReconnects the five pauses add up to 6-12s, long enough for a
// gateway restart, short enough that a gateway that stays away is reported
// promptly. Its MaxAttempts is not used (see WithMaxReconnects).
var DefaultStreamBackoff = RetryPolicy{
	InitialBackoff: 500 * time.Millisecond,
	MaxBackoff:     5 * time.Second,
	Multiplier:     2,
}

// backoff returns the pause after the given number of failed attempts (1 for
// the first), jittered between half and all of it so that clients cut off
// together do not come back together.
func (p RetryPolicy) backoff(failures int) time.Duration {
	d := float64(p.InitialBackoff)
	for i := 1; i < failures && d < float64(p.MaxBackoff); i++ {
		d *= max(p.Multiplier, 1)
	}
	d = min(d, float64(p.MaxBackoff))
	if d <= 0 {
		return 0
	}
	return time.Duration(d/2 + rand.Float64()*d/2)
}

// exhausted reports whether another attempt would exceed MaxAttempts.
func (p RetryPolicy) exhausted(failures int) bool {
	return p.MaxAttempts > 0 && failures >= p.MaxAttempts
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// withRetry runs call until it succeeds, fails with something other than
// codes.Unavailable, or the policy is spent; each attempt as once does. Only
// calls whose repetition cannot do anything twice go through here.
func withRetry[T any](ctx context.Context, p RetryPolicy, timeout time.Duration, call func(context.Context) (T, error)) (T, error) {
	for failures := 1; ; failures++ {
		resp, err := once(ctx, timeout, call)
		if err == nil {
			return resp, nil
		}
		if Code(err) != codes.Unavailable || p.exhausted(failures) {
			return resp, err
		}
		if sleepErr := sleep(ctx, p.backoff(failures)); sleepErr != nil {
			return resp, sleepErr
		}
	}
}

// once makes one attempt of a unary call, bounded by timeout unless ctx has a
// deadline of its own, which then is the caller's choice for this call.
func once[T any](ctx context.Context, timeout time.Duration, call func(context.Context) (T, error)) (T, error) {
	attempt := ctx
	if _, ok := ctx.Deadline(); !ok && timeout > 0 {
		var cancel context.CancelFunc
		attempt, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	resp, err := call(attempt)
	// Converted against ctx, not attempt: the client's own deadline expiring
	// is a DeadlineExceeded *Error, the caller's is the caller's ctx.Err().
	return resp, convert(ctx, err)
}
