package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestExpandReplacesVariablesEverywhere(t *testing.T) {
	variables := map[string]string{"run": "go-1a2b-0", "order": "o42", "head": "17"}
	step := map[string]any{
		"op":     "events",
		"orders": []any{"${order}", "literal"},
		"until":  map[string]any{"${order}": "ORDER_STATUS_FILLED"},
		"request": map[string]any{
			"order": map[string]any{"client_order_id": "${run}-mkt", "side": json.Number("9"), "outside_rth": true},
		},
		"resume": "${order}/${head}/${order}",
		"nested": []any{[]any{"${run}"}, nil},
	}
	got, err := expand(step, variables)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"op":     "events",
		"orders": []any{"o42", "literal"},
		"until":  map[string]any{"o42": "ORDER_STATUS_FILLED"},
		"request": map[string]any{
			"order": map[string]any{"client_order_id": "go-1a2b-0-mkt", "side": json.Number("9"), "outside_rth": true},
		},
		"resume": "o42/17/o42",
		"nested": []any{[]any{"go-1a2b-0"}, nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("expand =\n%#v\nwant\n%#v", got, want)
	}
	if step["orders"].([]any)[0] != "${order}" {
		t.Error("expand changed its input")
	}
}

func TestExpandRejectsUnknownVariables(t *testing.T) {
	for _, v := range []any{
		"${nope}",
		"prefix-${run}-${nope}",
		[]any{"ok", "${nope}"},
		map[string]any{"${nope}": "key"},
		map[string]any{"k": map[string]any{"deep": "${nope}"}},
	} {
		_, err := expand(v, map[string]string{"run": "r"})
		if err == nil || !strings.Contains(err.Error(), "unknown variable ${nope}") {
			t.Errorf("expand(%v) = %v, want unknown variable ${nope}", v, err)
		}
	}
}

func TestExpandLeavesOtherDollarsAlone(t *testing.T) {
	// Only ${name} with name in [A-Za-z0-9_] is a variable.
	for _, s := range []string{"$run", "${}", "${a-b}", "$ {run}", "price $5"} {
		got, err := expand(s, map[string]string{"run": "r"})
		if err != nil || got != s {
			t.Errorf("expand(%q) = %q, %v", s, got, err)
		}
	}
}
