//! The official clients against the local network with the protocol deployed: the
//! `@stellar/stellar-sdk` suite (`sdk/localnet/clients/js`, node's test runner) and the Python
//! `stellar-sdk` suite (`sdk/localnet/clients/python`, pytest), pinned and installed by
//! `scripts/setup-clients` into `target/clients/` (which `scripts/test` runs first).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{path::PathBuf, process::Command, time::Duration};

use support::{deploy, Net};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A network with 1-second ledgers (its clock stays with the wall clock the clients set time
/// bounds from), the protocol deployed, and two funded accounts; the suites' environment.
async fn network(name: &str) -> (Net, Vec<(&'static str, String)>) {
    let net = Net::start_with(name, Duration::from_secs(1)).await;
    deploy(&net).await;
    let alice = net.account("client alice").await;
    let bob = net.account("client bob").await;
    let env = vec![
        ("RPC_URL", net.localnet.rpc_url()),
        (
            "NETWORK_PASSPHRASE",
            "Standalone Network ; February 2017".to_string(),
        ),
        (
            "DEPLOYMENT",
            net.dir.path().join("deployment.json").display().to_string(),
        ),
        ("ALICE_SECRET", alice.secret_strkey()),
        ("BOB_SECRET", bob.secret_strkey()),
    ];
    (net, env)
}

/// Runs `cmd` with `env`, asserting success and showing its output either way.
async fn run_suite(mut cmd: Command, env: Vec<(&'static str, String)>) {
    cmd.envs(env);
    let what = format!("{cmd:?}");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{what}: {e}: run scripts/setup-clients"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(out.status.success(), "{what} failed:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_js_sdk_drives_the_protocol() {
    let (_net, env) = network("js").await;
    let dir = root().join("target/clients/js");
    // The suite runs beside its node_modules, where bare imports resolve.
    let suite = dir.join("protocol.test.mjs");
    std::fs::copy(
        root().join("sdk/localnet/clients/js/protocol.test.mjs"),
        &suite,
    )
    .unwrap_or_else(|e| panic!("{}: {e}: run scripts/setup-clients", dir.display()));
    let mut cmd = Command::new(dir.join("node_modules/.bin/node"));
    cmd.current_dir(&dir).args(["--test", "protocol.test.mjs"]);
    run_suite(cmd, env).await;
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
