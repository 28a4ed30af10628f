//! `tributary-demo`: the main job on its embedded defaults (see the crate docs); prints the
//! ready banner and runs until Ctrl-C. `scripts/dev` builds the WASM and runs it.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::Parser;
use tributary_demo::{banner, start, DemoConfig};

/// Run the local network, the protocol, the indexer and the demo scenario.
#[derive(Parser, Debug)]
#[command(name = "tributary-demo", version, about)]
struct Args {
    /// Directory for the indexer database, the deployment file, the CSV and keys
    /// (rewritten on every run).
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
    /// The contracts' WASM (scripts/build-wasm writes it).
    #[arg(long, default_value = "target/wasm")]
    wasm_dir: PathBuf,
    /// The local network's address (RPC at /rpc, friendbot at /friendbot).
    #[arg(long, default_value = "127.0.0.1:8000")]
    rpc_listen: SocketAddr,
    /// The indexer's address.
    #[arg(long, default_value = "127.0.0.1:8080")]
    indexer_listen: SocketAddr,
    /// Ledger close interval, milliseconds.
    #[arg(long, default_value_t = 1000)]
    ledger_ms: u64,
    /// Campaign recipients (more than 2).
    #[arg(long, default_value_t = 10_000)]
    recipients: u32,
    /// The `tributary` CLI's path, for the printed commands.
    #[arg(long, default_value = "target/debug/tributary")]
    cli: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,tributary_demo=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let a = Args::parse();
    let cfg = DemoConfig {
        data_dir: a.data_dir,
        wasm_dir: a.wasm_dir,
        rpc_listen: a.rpc_listen,
        indexer_listen: a.indexer_listen,
        ledger_interval: Duration::from_millis(a.ledger_ms.max(1)),
        recipients: a.recipients,
    };
    let demo = match start(&cfg).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("tributary-demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", banner::render(&demo, &a.cli));
    tributary_indexer::service::shutdown_signal().await;
    eprintln!("stopping");
    demo.stop().await;
    ExitCode::SUCCESS
}
