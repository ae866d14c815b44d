package gateway

import "testing"

func TestCursorDeliversEachSequenceOnceAndNeverGoesBack(t *testing.T) {
	type step struct {
		heartbeat bool
		seq       int64
		accepted  bool  // for events
		last      int64 // cursor after the step
	}
	steps := []step{
		{seq: 1, accepted: true, last: 1},
		{seq: 2, accepted: true, last: 2},
		{seq: 2, accepted: false, last: 2},            // repeated by a replay
		{seq: 1, accepted: false, last: 2},            // older than the cursor
		{heartbeat: true, seq: 5, last: 5},            // filtered-out events passed
		{seq: 4, accepted: false, last: 5},            // behind the heartbeat
		{heartbeat: true, seq: 3, last: 5},            // a stale heartbeat
		{seq: 6, accepted: true, last: 6},             // next event
		{heartbeat: true, seq: 6, last: 6},            // idle
		{seq: 9, accepted: true, last: 9},             // gaps are other accounts' events
		{heartbeat: true, seq: 0, last: 9},            // a fresh stream's first heartbeat
		{seq: 10, accepted: true, last: 10},           // and on
		{seq: 10, accepted: false, last: 10},          // and no repeat at the edge
		{heartbeat: true, seq: 11, last: 11},          // heartbeat at the head
		{seq: 11, accepted: false, last: 11},          // the event it vouched for
		{seq: 12, accepted: true, last: 12},           // resumed after it
		{heartbeat: true, seq: 12, last: 12},          // stays
		{seq: -1, accepted: false, last: 12},          // nonsense sequence
		{heartbeat: true, seq: -1, last: 12},          // nonsense heartbeat
		{seq: 1 << 40, accepted: true, last: 1 << 40}, // big journals
	}
	c := cursor{}
	for i, s := range steps {
		if s.heartbeat {
			c.advance(s.seq)
		} else if got := c.accept(s.seq); got != s.accepted {
			t.Errorf("step %d: accept(%d) = %v, want %v", i, s.seq, got, s.accepted)
		}
		if c.last != s.last {
			t.Errorf("step %d: cursor at %d, want %d", i, c.last, s.last)
		}
	}
}

func TestCursorStartsAtAfterSequence(t *testing.T) {
	c := cursor{last: 41}
	if c.accept(41) {
		t.Error("the event the caller resumed after came again")
	}
	if !c.accept(42) {
		t.Error("the next event was dropped")
	}
}
