package main

import (
	"encoding/json"
	"testing"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

func TestAsDocumentMatchesTheReferenceRunnersView(t *testing.T) {
	ev := &gatewayv1.OrderEvent{
		Sequence: 12,
		OrderId:  "o1",
		Order:    &gatewayv1.Order{Status: gatewayv1.OrderStatus_ORDER_STATUS_FILLED, FilledQuantity: "100"},
		Kind:     &gatewayv1.OrderEvent_Fill{Fill: &gatewayv1.Fill{Quantity: "100", Price: "187.25"}},
	}
	doc, err := asDocument(ev)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"sequence":              "12",                  // int64: decimal text
		"order_id":              "o1",                  // proto names, not camelCase
		"order.status":          "ORDER_STATUS_FILLED", // enums by name
		"order.filled_quantity": "100",
		"order.perm_id":         "0", // unpopulated scalars count as their default
		"order.status_reason":   "",  // ... strings too
		"client_order_id":       "",  // ... at the top as well
		"fill.price":            "187.25",
		"fill.broker_order_id":  "0",
	} {
		got, err := atPath(doc, path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if asText(got) != want {
			t.Errorf("%s = %q, want %q", path, asText(got), want)
		}
	}
	// Unset messages and unset oneof members are absent, as in Python's
	// MessageToDict, so paths through them fail and "kind" tests work.
	for _, path := range []string{"time", "order.spec", "order.spec.quantity", "cancel", "status_change", "no_such_field", "order_id.more"} {
		if _, err := atPath(doc, path); err == nil {
			t.Errorf("%s resolved; it should not exist", path)
		}
	}
	if kind, err := kindOf(doc); err != nil || kind != "fill" {
		t.Errorf("kindOf = %q, %v", kind, err)
	}
}

func TestAtPathPicksAnItemOfARepeatedField(t *testing.T) {
	doc := map[string]any{"positions": []any{
		map[string]any{"quantity": "60"},
		map[string]any{"quantity": "-5"},
	}}
	got, err := atPath(doc, "positions.1.quantity")
	if err != nil || asText(got) != "-5" {
		t.Fatalf("positions.1.quantity = %v, %v", got, err)
	}
	for _, path := range []string{"positions.2.quantity", "positions.-1", "positions.x", "positions.0.quantity.0"} {
		if _, err := atPath(doc, path); err == nil {
			t.Errorf("%s resolved; it should not exist", path)
		}
	}
}

func TestAsText(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{"ORDER_STATUS_FILLED", "ORDER_STATUS_FILLED"},
		{json.Number("42"), "42"},
		{true, "true"},
		{false, "false"},
		{[]any{}, "[]"},
	} {
		if got := asText(c.in); got != c.want {
			t.Errorf("asText(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAsIntTakesNumbersAndExpandedText(t *testing.T) {
	for in, want := range map[any]int64{json.Number("3"): 3, "17": 17, " 8 ": 8} {
		if got, err := asInt(in); err != nil || got != want {
			t.Errorf("asInt(%#v) = %d, %v", in, got, err)
		}
	}
	for _, in := range []any{"x", json.Number("1.5"), true, nil} {
		if _, err := asInt(in); err == nil {
			t.Errorf("asInt(%#v) succeeded", in)
		}
	}
}

func TestLoadSuiteReadsTheRealScenarios(t *testing.T) {
	s, err := loadSuite("../../../../tests/contract/scenarios.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Scenarios) == 0 {
		t.Fatal("no scenarios")
	}
	ops := map[string]bool{}
	for _, sc := range s.Scenarios {
		for _, raw := range sc.Steps {
			step := raw.(map[string]any)
			ops[step["op"].(string)] = true
			// A number in a request stays the number it was written as.
			request, _ := step["request"].(map[string]any)
			if order, ok := request["order"].(map[string]any); ok {
				if side, ok := order["side"].(json.Number); ok && side != "9" {
					t.Errorf("side %v", side)
				}
			}
		}
	}
	for _, op := range []string{"call", "events", "resume"} {
		if !ops[op] {
			t.Errorf("no %s step; the runner's ops and the scenarios drifted apart", op)
		}
	}
}
