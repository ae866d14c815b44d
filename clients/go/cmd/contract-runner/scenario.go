package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"

	gatewayv1 "github.com/ibkr-gateway/ibkr-gateway/clients/go/gen/ibkr/gateway/v1"
)

// stepTimeout bounds each step, as in the reference runner: a stream that
// never reaches the awaited status fails the scenario instead of hanging.
const stepTimeout = 10 * time.Second

// suite is scenarios.json.
type suite struct {
	Scenarios []scenario
}

// scenario is one named list of steps. Steps stay generic JSON, because every
// string in them is expanded before a step is read.
type scenario struct {
	Name  string
	Steps []any
}

func loadSuite(path string) (*suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Generic decoding keeps numbers as json.Number, so that a request
	// re-encodes exactly as written.
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not a JSON object", path)
	}
	s := &suite{}
	list, _ := doc["scenarios"].([]any)
	for i, item := range list {
		obj, _ := item.(map[string]any)
		name, _ := obj["name"].(string)
		steps, ok := obj["steps"].([]any)
		if name == "" || !ok {
			return nil, fmt.Errorf("%s: scenario %d needs a name and steps", path, i)
		}
		s.Scenarios = append(s.Scenarios, scenario{Name: name, Steps: steps})
	}
	if len(s.Scenarios) == 0 {
		return nil, fmt.Errorf("%s: no scenarios", path)
	}
	return s, nil
}

// runner executes scenarios over one connection.
type runner struct {
	conn     *grpc.ClientConn
	gateway  gatewayv1.OrderGatewayServiceClient
	accounts gatewayv1.AccountServiceClient
}

func newRunner(conn *grpc.ClientConn) *runner {
	return &runner{
		conn:     conn,
		gateway:  gatewayv1.NewOrderGatewayServiceClient(conn),
		accounts: gatewayv1.NewAccountServiceClient(conn),
	}
}

// run executes the steps of sc in order; the first failing step fails it.
// runID is the value of ${run}.
func (r *runner) run(ctx context.Context, sc scenario, runID string) error {
	variables := map[string]string{"run": runID}
	for index, raw := range sc.Steps {
		expanded, err := expand(raw, variables)
		if err != nil {
			return err
		}
		step, ok := expanded.(map[string]any)
		if !ok {
			return fmt.Errorf("step %d is not an object", index)
		}
		op, _ := step["op"].(string)
		stepCtx, cancel := context.WithTimeout(ctx, stepTimeout)
		err = r.step(stepCtx, step, variables)
		timedOut := errors.Is(stepCtx.Err(), context.DeadlineExceeded)
		cancel()
		switch {
		case err != nil && timedOut:
			return fmt.Errorf("step %d (%s) timed out", index, op)
		case err != nil:
			return fmt.Errorf("step %d (%s): %w", index, op, err)
		}
	}
	return nil
}

func (r *runner) step(ctx context.Context, step map[string]any, variables map[string]string) error {
	switch op := step["op"]; op {
	case "call":
		return r.call(ctx, step, variables)
	case "events":
		return r.events(ctx, step, variables)
	case "resume":
		return r.resume(ctx, step)
	case "position_resume":
		return r.positionResume(ctx, step)
	default:
		return fmt.Errorf("unknown op %s", quoted(op))
	}
}
