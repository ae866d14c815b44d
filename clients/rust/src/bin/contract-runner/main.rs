//! The Rust runner of the gateway's contract suite: executes every scenario of
//! tests/contract/scenarios.json (format in tests/contract/README.md) against a running
//! gateway on the simulated exchange, prints one line per scenario, then
//! "N passed, M failed", and exits non-zero on any failure. It mirrors
//! tests/contract/runner.py.
//!
//! ```text
//! contract-runner --target 127.0.0.1:50051 [--scenarios PATH] [--scenario NAME]
//! ```

mod document;
mod steps;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use ibkr_gateway_client::{Client, proto};
use prost::Message as _;
use prost_reflect::DescriptorPool;
use prost_types::FileDescriptorSet;
use serde_json::Value;

/// Bounds each step, as in the reference runner: a stream that never reaches the
/// awaited status fails the scenario instead of hanging.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

const SCENARIOS: &str = "tests/contract/scenarios.json";

struct Args {
    target: String,
    scenarios: Option<PathBuf>,
    only: Option<String>,
}

fn usage() -> ExitCode {
    eprintln!("usage: contract-runner --target HOST:PORT [--scenarios PATH] [--scenario NAME]");
    ExitCode::from(2)
}

fn parse_args() -> Option<Args> {
    let mut target = None;
    let mut scenarios = None;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let value = match inline {
            Some(value) => value,
            None => args.next()?,
        };
        match flag.trim_start_matches('-') {
            "target" => target = Some(value),
            "scenarios" => scenarios = Some(PathBuf::from(value)),
            "scenario" => only = Some(value),
            _ => return None,
        }
    }
    Some(Args {
        target: target?,
        scenarios,
        only,
    })
}

/// Looks for scenarios.json from the working directory upwards, so the runner works
/// from the repository root and from clients/rust alike.
fn find_scenarios() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    cwd.ancestors()
        .map(|dir| dir.join(SCENARIOS))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| format!("no {SCENARIOS} here or above; pass --scenarios"))
}

struct Scenario {
    name: String,
    steps: Vec<Value>,
}

fn load(path: &Path) -> Result<Vec<Scenario>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let suite: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let list = suite["scenarios"].as_array().cloned().unwrap_or_default();
    let mut scenarios = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        match (item["name"].as_str(), item["steps"].as_array()) {
            (Some(name), Some(steps)) if !name.is_empty() => scenarios.push(Scenario {
                name: name.to_owned(),
                steps: steps.clone(),
            }),
            _ => {
                return Err(format!(
                    "{}: scenario {i} needs a name and steps",
                    path.display()
                ));
            }
        }
    }
    if scenarios.is_empty() {
        return Err(format!("{}: no scenarios", path.display()));
    }
    Ok(scenarios)
}

/// Makes the gateway's messages and services findable by name, next to the well-known
/// types the global pool starts with.
pub fn register_descriptors() {
    // The embedded sets are generated; a failure is a build defect. google.rpc.Status
    // (which the contract imports) comes from tonic-types, as its generated type does;
    // tonic-types names its files without their directory.
    let google_rpc = FileDescriptorSet::decode(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .expect("the google.rpc descriptor set decodes");
    for mut file in google_rpc.file {
        if let Some(name) = file.name.as_mut().filter(|n| !n.contains('/')) {
            *name = format!("google/rpc/{name}");
        }
        DescriptorPool::add_global_file_descriptor_proto(file)
            .expect("the google.rpc descriptors register");
    }
    DescriptorPool::decode_global_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .expect("the generated descriptor set decodes");
}

fn run_id() -> String {
    let id = ibkr_gateway_client::new_client_order_id();
    format!("rs-{}", &id[..8])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(args) = parse_args() else {
        return usage();
    };
    let path = match args.scenarios.map_or_else(find_scenarios, Ok) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("contract-runner: {e}");
            return ExitCode::from(2);
        }
    };
    let scenarios = match load(&path) {
        Ok(scenarios) => scenarios,
        Err(e) => {
            eprintln!("contract-runner: {e}");
            return ExitCode::from(2);
        }
    };
    register_descriptors();
    let client = match Client::connect(args.target.as_str()).await {
        Ok(client) => client,
        Err(e) => {
            eprintln!("contract-runner: {e}");
            return ExitCode::from(2);
        }
    };
    let runner = steps::Runner::new(client.channel());

    let run = run_id();
    let (mut passed, mut failed) = (0, 0);
    for scenario in &scenarios {
        if args
            .only
            .as_ref()
            .is_some_and(|only| *only != scenario.name)
        {
            continue;
        }
        // Each scenario gets its own ${run}, so that ids never collide between
        // scenarios, runs, or runners sharing one gateway.
        let run_id = format!("{run}-{}", passed + failed);
        match run_scenario(&runner, scenario, run_id).await {
            Ok(()) => {
                passed += 1;
                println!("ok   {}", scenario.name);
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {}: {e}", scenario.name);
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 || passed == 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

async fn run_scenario(
    runner: &steps::Runner,
    scenario: &Scenario,
    run_id: String,
) -> Result<(), String> {
    let mut variables = HashMap::from([("run".to_owned(), run_id)]);
    for (index, raw) in scenario.steps.iter().enumerate() {
        let step = document::expand(raw, &variables)?;
        let op = step["op"].as_str().unwrap_or_default().to_owned();
        match tokio::time::timeout(STEP_TIMEOUT, runner.step(&step, &mut variables)).await {
            Err(_) => return Err(format!("step {index} ({op}) timed out")),
            Ok(Err(e)) => return Err(format!("step {index} ({op}): {e}")),
            Ok(Ok(())) => {}
        }
    }
    Ok(())
}
