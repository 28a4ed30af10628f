//! The indexer binary killed (SIGKILL) at random points during ingestion and restarted, many
//! times, then stopped with SIGTERM: its projections must equal those of an uninterrupted
//! run, compared by hash, and `indexer verify` must pass.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use support::{free_port, start, temp_dir, terminate, wait_applied, wait_up, Rng};
use tributary_indexer::{service, store};
use tributary_scenario::signer;

const KILLS: u32 = 15;

fn spawn(db: &std::path::Path, deployment: &std::path::Path, rpc: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_indexer"))
        .arg("--db")
        .arg(db)
        .arg("--deployment")
        .arg(deployment)
        .args(["--rpc-url", rpc, "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--start-ledger",
            "1",
            "--page-size",
            "50",
            "--batch-events",
            "150",
            "--poll-ms",
            "50",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_at_random_points_it_ends_equal_to_an_uninterrupted_run() {
    let env = start(100, 120_960).await;
    let tmp = temp_dir("crash");
    let dir = tmp.path();
    let s = &env.setup;
    tributary_scenario::run(s, &env.net, 20, dir).await.unwrap();
    let (sender, recipient) = (signer("crash sender"), signer("crash recipient"));
    env.net.fund(&sender).await.unwrap();
    s.stream_batches(&sender, &recipient.address(), 30, 50)
        .await
        .unwrap();
    let target = env.latest_ledger();

    let reference = service::start(env.service(dir.join("reference.redb"), &env.net.rpc_url))
        .await
        .unwrap();
    wait_applied(&format!("http://{}", reference.addr), target).await;
    let expected = reference.store.projections_hash().unwrap();
    reference.stop().await;

    let deployment = dir.join("deployment.json");
    std::fs::write(&deployment, serde_json::to_string(&s.deployment).unwrap()).unwrap();
    let db = dir.join("crashed.redb");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("kill delays seeded with {seed}");
    let mut rng = Rng(seed);
    for _ in 0..KILLS {
        let mut child = spawn(&db, &deployment, &env.net.rpc_url, free_port());
        tokio::time::sleep(Duration::from_millis(100 + rng.next() % 700)).await;
        child.kill().unwrap(); // SIGKILL: no chance to commit
        child.wait().unwrap();
    }
    let port = free_port();
    let child = spawn(&db, &deployment, &env.net.rpc_url, port);
    let base = format!("http://127.0.0.1:{port}");
    wait_up(&base).await;
    wait_applied(&base, target).await;
    // `indexer backup` while the service holds the database goes through its admin route.
    let backup = dir.join("backup.redb");
    let out = Command::new(env!("CARGO_BIN_EXE_indexer"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("backup")
        .arg(&backup)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tributary_indexer::ops::sidecar(&backup).exists());
    // A --db that doesn't exist is refused, not created and backed up empty.
    let missing = dir.join("typo.redb");
    let out = Command::new(env!("CARGO_BIN_EXE_indexer"))
        .arg("backup")
        .arg(dir.join("typo-backup.redb"))
        .arg("--db")
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no such database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!missing.exists(), "not created");
    terminate(child);

    let crashed = redb::ReadOnlyDatabase::open(&db).unwrap();
    assert_eq!(
        store::projections_hash(&crashed).unwrap(),
        expected,
        "same projections as the uninterrupted run"
    );
    drop(crashed);
    let out = Command::new(env!("CARGO_BIN_EXE_indexer"))
        .arg("verify")
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert!(report["events"].as_u64().unwrap() > 1500, "{report}");
}
