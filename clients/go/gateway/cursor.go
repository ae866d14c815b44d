package gateway

// cursor is a feed's resume position: the highest journal sequence it has
// passed, delivered or not. Reconnecting with after_sequence = last loses
// nothing, and accept keeps a replay that overlaps what was already delivered
// from reaching the caller twice.
type cursor struct {
	last int64
}

// accept reports whether an event with sequence seq is new, and if so moves
// the cursor to it. Sequences at or below the cursor are duplicates.
func (c *cursor) accept(seq int64) bool {
	if seq <= c.last {
		return false
	}
	c.last = seq
	return true
}

// advance moves the cursor to seq, the last sequence a heartbeat says the
// server has passed, unless the cursor is already there or beyond: a late or
// stale heartbeat must never move it back into events already delivered.
func (c *cursor) advance(seq int64) {
	c.last = max(c.last, seq)
}
