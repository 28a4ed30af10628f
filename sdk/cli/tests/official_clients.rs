//! The official clients against the local network with the protocol deployed: the
//! `@stellar/stellar-sdk` suite (`sdk/localnet/clients/js`, node's test runner) and the Python
//! `stellar-sdk` suite (`sdk/localnet/clients/python`, pytest), pinned and installed by
//! `scripts/setup-clients` into `target/clients/` (which `scripts/test` runs first).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::process::Command;

use support::clients::{network, root, run_suite};

/// Runs the JS file `name` of `sdk/localnet/clients/js` with node, beside the installed
/// node_modules (where bare imports resolve); `test` runs it with node's test runner.
async fn run_js(name: &str, test: bool, env: Vec<(&'static str, String)>) -> String {
    let dir = root().join("target/clients/js");
    std::fs::copy(
        root().join("sdk/localnet/clients/js").join(name),
        dir.join(name),
    )
    .unwrap_or_else(|e| panic!("{}: {e}: run scripts/setup-clients", dir.display()));
    let mut cmd = Command::new(dir.join("node_modules/.bin/node"));
    cmd.current_dir(&dir);
    if test {
        cmd.arg("--test");
    }
    cmd.arg(name);
    run_suite(cmd, env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_js_sdk_drives_the_protocol() {
    let (_net, env) = network("js").await;
    run_js("protocol.test.mjs", true, env).await;
}

/// The network keeps stellar-core's rule (time bounds against the ledger clock) after
/// `advance-time`; the suite shows the SDK's defaults failing and the two ways that work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_bounds_follow_the_ledger_clock_after_advance_time() {
    let (_net, env) = network("time").await;
    run_js("time_bounds.test.mjs", true, env).await;
}

/// The README's JavaScript and Python examples, verbatim, against a network with the protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_examples_run() {
    let (net, mut env) = network("readme").await;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for example in ["js/readme_example.mjs", "python/readme_example.py"] {
        let code =
            std::fs::read_to_string(root().join("sdk/localnet/clients").join(example)).unwrap();
        assert!(readme.contains(&code), "README.md shows {example} verbatim");
    }
    let deployment: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(net.dir.path().join("deployment.json")).unwrap(),
    )
    .unwrap();
    env.push(("ACCESS", deployment["access"].as_str().unwrap().to_string()));
    let js = run_js("readme_example.mjs", false, env.clone()).await;
    let mut python = Command::new(root().join("target/clients/venv/bin/python"));
    python.arg(root().join("sdk/localnet/clients/python/readme_example.py"));
    let py = run_suite(python, env).await;
    for out in [js, py] {
        assert!(
            out.to_lowercase().contains("has_access = false") && out.starts_with("ledger "),
            "{out}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_drives_the_protocol() {
    let (_net, env) = network("python").await;
    let mut cmd = Command::new(root().join("target/clients/venv/bin/python"));
    cmd.current_dir(root())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg("sdk/localnet/clients/python");
    run_suite(cmd, env).await;
}
