//! The environment the official clients' suites and the TypeScript SDK's run in: a network
//! with the protocol deployed and funded accounts, passed as environment variables.

use std::{path::PathBuf, process::Command, time::Duration};

use super::{deploy, Net};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A network with 1-second ledgers (its clock stays with the wall clock the clients set time
/// bounds from), the protocol deployed, and two funded accounts; the suites' environment:
/// `RPC_URL`, `NETWORK_PASSPHRASE`, `DEPLOYMENT` (a deployment.json path), `ALICE_SECRET`,
/// `BOB_SECRET` and `COUNCIL_SECRETS` (the five members', comma-separated).
pub async fn network(name: &str) -> (Net, Vec<(&'static str, String)>) {
    let net = Net::start_with(name, Duration::from_secs(1)).await;
    let (_, council) = deploy(&net).await;
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
        (
            "COUNCIL_SECRETS",
            council
                .iter()
                .map(|m| m.secret_strkey())
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];
    (net, env)
}

/// Runs `cmd` with `env`, asserting success and showing its output either way; returns it.
pub async fn run_suite(mut cmd: Command, env: Vec<(&'static str, String)>) -> String {
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
    text
}
