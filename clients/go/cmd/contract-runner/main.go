// Command contract-runner is the Go runner of the gateway's contract suite:
// it executes every scenario of tests/contract/scenarios.json (format in
// tests/contract/README.md) against a running gateway on the simulated
// exchange, prints one line per scenario, then "N passed, M failed", and
// exits non-zero on any failure. It mirrors tests/contract/runner.py.
//
//	go run ./cmd/contract-runner --target 127.0.0.1:50051
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// scenariosFile is where scenarios.json lives, relative to the repository root.
var scenariosFile = filepath.Join("tests", "contract", "scenarios.json")

func main() {
	os.Exit(run())
}

func run() int {
	target := flag.String("target", "", "gateway address, host:port (required)")
	path := flag.String("scenarios", "", "scenarios.json (default: "+scenariosFile+" in this or a parent directory)")
	only := flag.String("scenario", "", "run only the scenario of this name")
	flag.Parse()
	if *target == "" || flag.NArg() > 0 {
		flag.Usage()
		return 2
	}
	if *path == "" {
		found, err := findScenarios()
		if err != nil {
			fmt.Fprintln(os.Stderr, "contract-runner:", err)
			return 2
		}
		*path = found
	}
	s, err := loadSuite(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "contract-runner:", err)
		return 2
	}
	conn, err := grpc.NewClient(*target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "contract-runner:", err)
		return 2
	}
	defer conn.Close()

	r := newRunner(conn)
	runID := "go-" + randomHex(4)
	passed, failed := 0, 0
	for _, sc := range s.Scenarios {
		if *only != "" && sc.Name != *only {
			continue
		}
		// Each scenario gets its own ${run}, so that ids never collide between
		// scenarios, runs, or runners sharing one gateway.
		if err := r.run(context.Background(), sc, fmt.Sprintf("%s-%d", runID, passed+failed)); err != nil {
			failed++
			fmt.Printf("FAIL %s: %v\n", sc.Name, err)
		} else {
			passed++
			fmt.Printf("ok   %s\n", sc.Name)
		}
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 || passed == 0 {
		return 1
	}
	return 0
}

// findScenarios looks for scenarios.json from the working directory upwards,
// so the runner works from the repository root and from clients/go alike.
func findScenarios() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		candidate := filepath.Join(dir, scenariosFile)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no %s here or above; pass --scenarios", scenariosFile)
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails; see crypto/rand.Read
	return hex.EncodeToString(b)
}
