package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// jsonOptions mirror the reference runner's MessageToDict: proto field names,
// and scalars at their defaults present ("unpopulated fields count as their
// default").
var jsonOptions = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

// asDocument renders m as generic JSON: map[string]any, []any, string,
// json.Number, bool.
//
// EmitUnpopulated writes unset message fields as null, where Python leaves
// them out; the nulls are dropped so that a path through an unset message
// fails here as it does there.
func asDocument(m proto.Message) (map[string]any, error) {
	data, err := jsonOptions.Marshal(m)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	doc, ok := dropNulls(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a JSON object", m.ProtoReflect().Descriptor().FullName())
	}
	return doc, nil
}

// decodeJSON keeps numbers as their text, so that integers compare in
// decimal exactly as written and requests re-encode unchanged.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, item := range v {
			if item == nil {
				delete(v, k)
			} else {
				v[k] = dropNulls(item)
			}
		}
	case []any:
		for i, item := range v {
			v[i] = dropNulls(item)
		}
	}
	return v
}

// atPath follows a dotted path of field names through nested objects; a
// number picks an item of a repeated field ("positions.0.quantity").
func atPath(doc any, path string) (any, error) {
	for part := range strings.SplitSeq(path, ".") {
		switch node := doc.(type) {
		case map[string]any:
			var ok bool
			if doc, ok = node[part]; !ok {
				return nil, fmt.Errorf("response has no field %q", path)
			}
		case []any:
			index, err := strconv.Atoi(part)
			if err != nil || index < 0 || index >= len(node) {
				return nil, fmt.Errorf("response has no field %q", path)
			}
			doc = node[index]
		default:
			return nil, fmt.Errorf("response has no field %q", path)
		}
	}
	return doc, nil
}

// asText is how scenario values compare: strings as they are, enums by name
// (protojson writes them as strings), integers in decimal, booleans
// true/false.
func asText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	case nil:
		return "None"
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(data)
	}
}

// asInt reads a scenario integer given as a JSON number or as text (a
// variable such as "${head}" expands to text).
func asInt(v any) (int64, error) {
	switch v := v.(type) {
	case json.Number:
		return v.Int64()
	case string:
		return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	}
	return 0, fmt.Errorf("%v is not an integer", v)
}
