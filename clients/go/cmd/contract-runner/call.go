package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/ibkr-gateway/ibkr-gateway/clients/go/gateway"
	// Registers the gateway's messages and services for lookup by name.
	_ "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// services maps a step's "service" to the full service name.
var services = map[string]protoreflect.FullName{
	"gateway":   "ibkr.gateway.v1.OrderGatewayService",
	"simulator": "ibkr.gateway.v1.SimulatorControlService",
	"account":   "ibkr.gateway.v1.AccountService",
}

// call runs one unary call and checks its expectation.
func (r *runner) call(ctx context.Context, step map[string]any, variables map[string]string) error {
	service := "gateway"
	if s, ok := step["service"]; ok {
		service, _ = s.(string)
	}
	method, _ := step["method"].(string)
	md, err := lookupMethod(service, method)
	if err != nil {
		return err
	}
	req, err := newMessage(md.Input())
	if err != nil {
		return err
	}
	resp, err := newMessage(md.Output())
	if err != nil {
		return err
	}
	requestJSON, err := json.Marshal(step["request"])
	if err != nil {
		return fmt.Errorf("%s request: %w", method, err)
	}
	if err := protojson.Unmarshal(requestJSON, req); err != nil {
		return fmt.Errorf("%s request: %w", method, err)
	}
	expect, _ := step["expect"].(map[string]any)

	var trailer metadata.MD
	fullMethod := fmt.Sprintf("/%s/%s", md.Parent().FullName(), md.Name())
	callErr := r.conn.Invoke(ctx, fullMethod, req, resp, grpc.Trailer(&trailer))
	wantErr, expectsError := expect["error"].(map[string]any)
	if callErr != nil {
		if !expectsError {
			st := status.Convert(callErr)
			return fmt.Errorf("%s failed: %s %s", method, codeName(st.Code()), st.Message())
		}
		return checkError(callErr, trailer, wantErr)
	}
	if expectsError {
		return fmt.Errorf("%s succeeded; expected %s", method, asText(wantErr["code"]))
	}

	doc, err := asDocument(resp)
	if err != nil {
		return err
	}
	fields, _ := expect["fields"].(map[string]any)
	for _, path := range sortedKeys(fields) {
		got, err := atPath(doc, path)
		if err != nil {
			return err
		}
		if want, ok := fields[path].(string); !ok || asText(got) != want {
			return fmt.Errorf("%s: %s is %q, expected %s", method, path, asText(got), quoted(fields[path]))
		}
	}
	counts, _ := expect["counts"].(map[string]any)
	for _, path := range sortedKeys(counts) {
		got, err := atPath(doc, path)
		if err != nil {
			return err
		}
		want, err := asInt(counts[path])
		if err != nil {
			return fmt.Errorf("counts %s: %w", path, err)
		}
		items, ok := got.([]any)
		if !ok {
			return fmt.Errorf("%s: %s is not a repeated field", method, path)
		}
		if int64(len(items)) != want {
			return fmt.Errorf("%s: %s has %d items, not %d", method, path, len(items), want)
		}
	}
	statuses, _ := expect["statuses"].(map[string]any)
	for _, path := range sortedKeys(statuses) {
		want, _ := statuses[path].(map[string]any)
		if err := checkItemStatus(doc, path, want); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
	}
	save, _ := step["save"].(map[string]any)
	for _, name := range sortedKeys(save) {
		path, _ := save[name].(string)
		got, err := atPath(doc, path)
		if err != nil {
			return err
		}
		variables[name] = asText(got)
	}
	return nil
}

func lookupMethod(service, method string) (protoreflect.MethodDescriptor, error) {
	name, ok := services[service]
	if !ok {
		return nil, fmt.Errorf("unknown service %q", service)
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
	if err != nil {
		return nil, fmt.Errorf("service %s: %w", name, err)
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil, fmt.Errorf("%s is not a service", name)
	}
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return nil, fmt.Errorf("%s has no method %q", name, method)
	}
	if md.IsStreamingClient() || md.IsStreamingServer() {
		return nil, fmt.Errorf("%s.%s is not a unary method", name, method)
	}
	return md, nil
}

func newMessage(d protoreflect.MessageDescriptor) (proto.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(d.FullName())
	if err != nil {
		return nil, fmt.Errorf("message %s: %w", d.FullName(), err)
	}
	return mt.New().Interface(), nil
}

// codeName is the canonical name of a status code, "ALREADY_EXISTS", as the
// scenarios and every other gRPC implementation spell it; codes.Code.String
// gives "AlreadyExists".
func codeName(c codes.Code) string {
	return rpccode.Code(c).String()
}

// checkError checks a failed call against {"code", "reason", "field_violations"}.
func checkError(callErr error, trailer metadata.MD, want map[string]any) error {
	st := status.Convert(callErr)
	if got := codeName(st.Code()); got != want["code"] {
		return fmt.Errorf("status %s (%s), not %s", got, st.Message(), asText(want["code"]))
	}
	// The status details travel in this trailer; without it there is no
	// google.rpc.Status to read a reason or violations from.
	if len(trailer.Get("grpc-status-details-bin")) == 0 {
		return fmt.Errorf("error carries no google.rpc.Status details")
	}
	return checkStatus(gateway.ErrorFromStatus(st), want)
}

// checkItemStatus checks the google.rpc.Status at path of a response (the
// error of one SubmitOrders item) as checkError checks a failed call's.
func checkItemStatus(doc any, path string, want map[string]any) error {
	got, err := atPath(doc, path)
	if err != nil {
		return err
	}
	data, err := json.Marshal(got)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var st spb.Status
	if err := protojson.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("%s is not a google.rpc.Status: %w", path, err)
	}
	if err := checkStatus(gateway.ErrorFromStatus(status.FromProto(&st)), want); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// checkStatus checks a decoded status against {"code", "reason", "field_violations"}.
func checkStatus(e *gateway.Error, want map[string]any) error {
	if got := codeName(e.Code); got != want["code"] {
		return fmt.Errorf("status %s (%s), not %s", got, e.Message, asText(want["code"]))
	}
	if wantReason, ok := want["reason"]; ok && wantReason != e.Reason {
		return fmt.Errorf("reason %q, expected %s", e.Reason, quoted(wantReason))
	}
	fields := make([]string, 0, len(e.FieldViolations))
	for _, v := range e.FieldViolations {
		fields = append(fields, v.Field)
	}
	wantFields, _ := want["field_violations"].([]any)
	var missing []string
	for _, f := range wantFields {
		if s, ok := f.(string); !ok || !slices.Contains(fields, s) {
			missing = append(missing, asText(f))
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		slices.Sort(fields)
		fields = slices.Compact(fields)
		return fmt.Errorf("no field violation for %s; got %s", quotedList(missing), quotedList(fields))
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// quoted renders an expected value for a message: strings quoted, anything
// else as JSON, so that a non-string expectation is visible as such.
func quoted(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return asText(v)
}

func quotedList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
