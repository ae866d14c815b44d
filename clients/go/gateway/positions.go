package gateway

import (
	"context"
	"iter"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// PositionStreamOptions selects a position feed and where it starts.
type PositionStreamOptions struct {
	// AfterSequence starts the feed after this journal sequence, e.g. the
	// LastSequence of a ListPositions response; 0 replays the whole journal.
	AfterSequence int64
	// Account keeps only this account's positions; all accounts when empty.
	Account string
	// Symbol keeps only this symbol's positions; all when empty.
	Symbol string
	// HeartbeatInterval is how often an idle stream carries a heartbeat,
	// 100ms to 1h; DefaultHeartbeatInterval when zero.
	HeartbeatInterval time.Duration
	// OnReconnect, as in StreamOptions.
	OnReconnect func(err error, afterSequence int64)
}

// Positions yields position changes after opts.AfterSequence, in journal
// order, replaying the journal first and then following it live, until ctx
// is done or the loop stops. Quantities and amounts are decimal strings.
//
// It resumes and ends exactly as OrderEvents does: a dropped, cut or stalled
// call is reopened after the last sequence seen, under the client's stream
// backoff and WithMaxReconnects.
func (c *Client) Positions(ctx context.Context, opts PositionStreamOptions) iter.Seq2[*gatewayv1.PositionEvent, error] {
	interval := heartbeatOr(opts.HeartbeatInterval)
	hb := durationpb.New(interval)
	feed := feedOptions{after: opts.AfterSequence, interval: interval, onReconnect: opts.OnReconnect}
	return follow(ctx, c.reconnects, feed, func(ctx context.Context, after int64) (receiver[*gatewayv1.PositionEvent], error) {
		s, err := c.accounts.StreamPositions(ctx, &gatewayv1.StreamPositionsRequest{
			AfterSequence: after, Account: opts.Account, Symbol: opts.Symbol, HeartbeatInterval: hb,
		})
		return receiverOf[*gatewayv1.PositionEvent](s, err)
	})
}
