package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"google.golang.org/grpc/status"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// eventKinds are the names of the OrderEvent kind oneof, in field order.
var eventKinds = []string{"status_change", "fill", "cancel", "modification"}

// events reads the journal from the start, keeping the events of the listed
// orders, until each order of "until" has reached its status.
func (r *runner) events(ctx context.Context, step map[string]any, variables map[string]string) error {
	wanted, _ := stringList(step["orders"])
	until, _ := step["until"].(map[string]any)
	var kept []map[string]any

	done := func() bool {
		for oid, status := range until {
			reached := slices.ContainsFunc(kept, func(e map[string]any) bool {
				return text(e, "order_id") == oid && text(e, "order.status") == status
			})
			if !reached {
				return false
			}
		}
		return true
	}
	keep := func(e map[string]any) error {
		if slices.Contains(wanted, text(e, "order_id")) {
			kept = append(kept, e)
		}
		return nil
	}
	if err := r.read(ctx, 0, keep, done); err != nil {
		return err
	}

	expectKinds, _ := step["expect_kinds"].(map[string]any)
	for _, oid := range sortedKeys(expectKinds) {
		var got []string
		for _, e := range kept {
			if text(e, "order_id") != oid {
				continue
			}
			kind, err := kindOf(e)
			if err != nil {
				return err
			}
			got = append(got, kind+":"+strings.TrimPrefix(text(e, "order.status"), "ORDER_STATUS_"))
		}
		if want, ok := stringList(expectKinds[oid]); !ok || !slices.Equal(got, want) {
			return fmt.Errorf("events of %s: %s, expected %s", oid, quotedList(got), asText(expectKinds[oid]))
		}
	}

	expectFills, _ := step["expect_fills"].(map[string]any)
	for _, oid := range sortedKeys(expectFills) {
		var got []map[string]any
		for _, e := range kept {
			if fill, ok := e["fill"].(map[string]any); ok && text(e, "order_id") == oid {
				got = append(got, fill)
			}
		}
		want, _ := expectFills[oid].([]any)
		if len(got) != len(want) {
			return fmt.Errorf("%s has %d fills, expected %d", oid, len(got), len(want))
		}
		for i, wantFill := range want {
			fields, _ := wantFill.(map[string]any)
			for _, key := range sortedKeys(fields) {
				value, ok := got[i][key]
				if !ok {
					return fmt.Errorf("fill of %s has no field %q", oid, key)
				}
				if w, ok := fields[key].(string); !ok || asText(value) != w {
					return fmt.Errorf("fill %s of %s: %s != %s", key, oid, asText(value), asText(fields[key]))
				}
			}
		}
	}

	if name, ok := step["save_last_sequence"].(string); ok {
		if len(kept) == 0 {
			return fmt.Errorf("no event kept to take the last sequence from")
		}
		var last int64
		for _, e := range kept {
			seq, err := asInt(e["sequence"])
			if err != nil {
				return fmt.Errorf("event sequence: %w", err)
			}
			last = max(last, seq)
		}
		variables[name] = fmt.Sprint(last)
	}
	return nil
}

// resume drops a stream after drop_after events, resumes it after the last
// sequence read, and checks that the two calls together read exactly what one
// uninterrupted call reads (position changes leave gaps in the numbers, never in
// the feed).
func (r *runner) resume(ctx context.Context, step map[string]any) error {
	dropAfter, err := asInt(step["drop_after"])
	if err != nil {
		return fmt.Errorf("drop_after: %w", err)
	}
	until, err := asInt(step["until_sequence"])
	if err != nil {
		return fmt.Errorf("until_sequence: %w", err)
	}
	var sequences []int64
	record := func(e map[string]any) error {
		seq, err := asInt(e["sequence"])
		if err != nil {
			return fmt.Errorf("event sequence: %w", err)
		}
		sequences = append(sequences, seq)
		return nil
	}
	if err := r.read(ctx, 0, record, func() bool { return int64(len(sequences)) >= dropAfter }); err != nil {
		return err
	}
	if err := r.read(ctx, sequences[len(sequences)-1], record, func() bool { return sequences[len(sequences)-1] >= until }); err != nil {
		return err
	}
	var whole []int64
	recordWhole := func(e map[string]any) error {
		seq, err := asInt(e["sequence"])
		if err != nil {
			return fmt.Errorf("event sequence: %w", err)
		}
		whole = append(whole, seq)
		return nil
	}
	if err := r.read(ctx, 0, recordWhole, func() bool { return whole[len(whole)-1] >= until }); err != nil {
		return err
	}
	if !slices.Equal(sequences, whole) {
		return fmt.Errorf("resumed sequences %v differ from one read %v", sequences, whole)
	}
	return nil
}

// read follows StreamOrderEvents after the given sequence, handing each event
// (heartbeats skipped) to keep, until done; then it cancels the call.
func (r *runner) read(ctx context.Context, after int64, keep func(map[string]any) error, done func() bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := r.gateway.StreamOrderEvents(ctx, &gatewayv1.StreamOrderEventsRequest{AfterSequence: after})
	for err == nil {
		var msg *gatewayv1.StreamOrderEventsResponse
		if msg, err = stream.Recv(); err != nil {
			break
		}
		if msg.GetEvent() == nil {
			continue
		}
		doc, docErr := asDocument(msg.GetEvent())
		if docErr != nil {
			return docErr
		}
		if keepErr := keep(doc); keepErr != nil {
			return keepErr
		}
		if done() {
			return nil
		}
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("stream ended early")
	}
	st := status.Convert(err)
	return fmt.Errorf("StreamOrderEvents failed: %s %s", codeName(st.Code()), st.Message())
}

func kindOf(e map[string]any) (string, error) {
	for _, kind := range eventKinds {
		if _, ok := e[kind]; ok {
			return kind, nil
		}
	}
	return "", fmt.Errorf("event %s has no kind", text(e, "sequence"))
}

// text is the value at path as text, or "" when there is none.
func text(doc map[string]any, path string) string {
	v, err := atPath(doc, path)
	if err != nil {
		return ""
	}
	return asText(v)
}

// stringList reads a JSON array of strings; ok is false for anything else.
func stringList(v any) ([]string, bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(items))
	for i, item := range items {
		if out[i], ok = item.(string); !ok {
			return nil, false
		}
	}
	return out, true
}
