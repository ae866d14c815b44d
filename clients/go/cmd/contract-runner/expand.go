package main

import (
	"fmt"
	"regexp"
)

var variable = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)\}`)

// expand replaces ${name} in every string of v, object keys included, with
// the variable's value. An unknown variable is an error, not an empty
// string: a typo must fail the scenario rather than send a blank id.
func expand(v any, variables map[string]string) (any, error) {
	switch v := v.(type) {
	case string:
		return expandString(v, variables)
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			var err error
			if out[i], err = expand(item, variables); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, item := range v {
			k, err := expandString(key, variables)
			if err != nil {
				return nil, err
			}
			if out[k], err = expand(item, variables); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

func expandString(s string, variables map[string]string) (string, error) {
	var missing string
	out := variable.ReplaceAllStringFunc(s, func(match string) string {
		name := variable.FindStringSubmatch(match)[1]
		value, ok := variables[name]
		if !ok && missing == "" {
			missing = name
		}
		return value
	})
	if missing != "" {
		return "", fmt.Errorf("unknown variable ${%s}", missing)
	}
	return out, nil
}
