//! Shared by the SDK's network tests: a local network over HTTP, funded accounts with key
//! files, the `tributary` CLI, and the protocol deployed through it.
#![allow(dead_code)]

pub mod clients;

use std::{path::PathBuf, process::Command, time::Duration};

use serde_json::Value;
use sha2::{Digest, Sha256};
use tributary_localnet::server::{Config, Localnet};
use tributary_sdk::Signer;

pub const XLM: i128 = 10_000_000;

pub struct Net {
    pub localnet: Localnet,
    /// Key files, deployment and trees; removed on drop.
    pub dir: tempfile::TempDir,
}

impl Net {
    pub async fn start(name: &str) -> Net {
        Self::start_with(name, Duration::from_millis(100)).await
    }

    /// A network closing a ledger every `interval`.
    pub async fn start_with(name: &str, interval: Duration) -> Net {
        let localnet = Localnet::start(Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            ledger_interval: Some(interval),
            ..Config::default()
        })
        .await
        .unwrap();
        let dir = tempfile::Builder::new()
            .prefix(&format!("tributary-cli-{name}-"))
            .tempdir()
            .unwrap();
        Net { localnet, dir }
    }

    /// Funded accounts with key files, funded concurrently (friendbot queues them all for the
    /// next ledger).
    pub async fn accounts(&self, labels: &[String]) -> Vec<Signer> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, label) in labels.iter().enumerate() {
            let key = Signer::from_bytes(Sha256::digest(label.as_bytes()).into());
            std::fs::write(self.key_file(label), key.secret_strkey()).unwrap();
            let url = format!(
                "{}?addr={}",
                self.localnet.friendbot_url(),
                key.public_strkey()
            );
            tasks.spawn_blocking(move || {
                let status = ureq::get(&url).call().unwrap().status().as_u16();
                assert_eq!(status, 200);
                (i, key)
            });
        }
        let mut keys: Vec<(usize, Signer)> = tasks.join_all().await;
        keys.sort_by_key(|(i, _)| *i);
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// A funded account with its key file.
    pub async fn account(&self, label: &str) -> Signer {
        let mut keys = self.accounts(&[label.to_string()]).await;
        keys.remove(0)
    }

    pub fn key_file(&self, label: &str) -> PathBuf {
        self.dir
            .path()
            .join(format!("{}.key", label.replace(' ', "_")))
    }

    /// Runs `tributary --json <args>` as `signer` (no key if empty); returns the exit
    /// success, the JSON output and stderr.
    pub async fn run(&self, signer: &str, args: &[&str]) -> (bool, Value, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tributary"));
        cmd.args(["--rpc-url", &self.localnet.rpc_url()])
            .arg("--deployment")
            .arg(self.dir.path().join("deployment.json"));
        if !signer.is_empty() {
            cmd.arg("--key-file").arg(self.key_file(signer));
        }
        cmd.arg("--json")
            .args(args)
            .env_remove("TRIBUTARY_SECRET_KEY");
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = stdout
            .lines()
            .last()
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or(Value::Null);
        (
            out.status.success(),
            json,
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }

    /// `campaign build --csv <csv> --out <out>`, asserted to succeed.
    pub async fn build(&self, signer: &str, csv: &std::path::Path, out: &std::path::Path) -> Value {
        self.ok(
            signer,
            &[
                "campaign",
                "build",
                "--csv",
                csv.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .await
    }

    /// Runs and asserts success; returns the JSON.
    pub async fn ok(&self, signer: &str, args: &[&str]) -> Value {
        let (ok, json, err) = self.run(signer, args).await;
        assert!(ok, "tributary {args:?} failed: {err}");
        json
    }

    pub fn transactions(&self) -> usize {
        self.localnet.shared().lock().history().transactions.len()
    }

    /// The latest ledger's close time: ledgers closing every 100 ms each still advance the
    /// clock by at least a second, so the ledger runs ahead of the wall clock.
    pub fn now(&self) -> u64 {
        self.localnet
            .shared()
            .lock()
            .header()
            .scp_value
            .close_time
            .0
    }

    /// Moves the ledger clock `seconds` ahead and closes a ledger on it, as time passes on a
    /// real network: the latest ledger's close time, which clients bound transactions by,
    /// then shows the jump.
    pub fn advance(&self, seconds: u64) {
        self.localnet.shared().lock().advance_time(seconds);
        self.localnet.close_ledger();
    }
}

pub fn wasm_dir() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/wasm")
        .display()
        .to_string()
}

/// Funds the deployer, an issuer and five council members; deploys with XLM and USDC insured.
pub async fn deploy(net: &Net) -> (Value, Vec<Signer>) {
    net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let mut council = Vec::new();
    for i in 0..5 {
        council.push(net.account(&format!("member {i}")).await);
    }
    let usdc = format!("USDC:{}", issuer.public_strkey());
    let wasm = wasm_dir();
    let mut args = vec![
        "deploy",
        "--wasm-dir",
        wasm.as_str(),
        "--asset",
        "native",
        "--asset",
        usdc.as_str(),
    ];
    let members: Vec<String> = council.iter().map(Signer::public_strkey).collect();
    for m in &members {
        args.extend(["--council", m.as_str()]);
    }
    let d = net.ok("deployer", &args).await;
    for c in ["insurance", "stream", "claims", "access"] {
        assert!(d[c].as_str().unwrap().starts_with('C'), "{d}");
    }
    (d, council)
}
