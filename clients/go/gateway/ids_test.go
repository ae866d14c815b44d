package gateway

import (
	"regexp"
	"testing"
)

// The gateway's client_order_id rule, and the layout of a v4 UUID.
var (
	clientOrderIDRule = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)
	uuidV4            = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestNewClientOrderID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewClientOrderID()
		if !uuidV4.MatchString(id) {
			t.Fatalf("%q is not a v4 UUID", id)
		}
		// Bracket children get ".tp" and ".sl" appended.
		if !clientOrderIDRule.MatchString(id + ".tp") {
			t.Fatalf("%q.tp breaks the client_order_id rule", id)
		}
		if seen[id] {
			t.Fatalf("%q generated twice", id)
		}
		seen[id] = true
	}
}
