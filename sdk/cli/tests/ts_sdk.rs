//! The TypeScript SDK (`sdk/ts`, installed by `scripts/setup-clients`): its helpers against the
//! Rust SDK's vectors, its clients and facade against a fresh local network, the web example in
//! headless Chromium, the README's example verbatim, and its bindings against stellar-cli's.
//! Each test first compiles the package with its pinned TypeScript, so it tests the sources.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{path::PathBuf, process::Command, sync::OnceLock};

use support::clients::{network, root, run_suite};

fn package() -> PathBuf {
    root().join("sdk/ts")
}

/// Node 22 from the package's devDependencies.
fn node() -> Command {
    let mut cmd = Command::new(package().join("node_modules/.bin/node"));
    cmd.current_dir(package());
    cmd
}

/// Compiles `src/` to `dist/` and type-checks the tests and examples, once per run.
fn built() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        for project in ["tsconfig.json", "tsconfig.test.json"] {
            let out = node()
                .args(["node_modules/typescript/bin/tsc", "-p", project])
                .output()
                .unwrap_or_else(|e| panic!("{e}: run scripts/setup-clients"));
            assert!(
                out.status.success(),
                "tsc -p {project}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    });
}

/// Runs node's test runner on `files` of the package with `env`.
async fn node_test(files: &[&str], env: Vec<(&'static str, String)>) -> String {
    built();
    let mut cmd = node();
    cmd.arg("--test").args(files);
    run_suite(cmd, env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_helpers_agree_with_the_rust_vectors_refuse_bad_input_and_fit_the_budget() {
    let files = [
        "test/vectors.test.ts",
        "test/errors.test.ts",
        "test/bundle.test.ts",
    ];
    let out = node_test(&files, vec![]).await;
    assert!(
        out.contains("# fail 0") && out.contains("# pass 12"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_sdk_drives_the_protocol() {
    let (_net, env) = network("ts").await;
    let out = node_test(&["test/localnet.test.ts"], env).await;
    assert!(
        out.contains("# fail 0") && out.contains("# pass 5"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_example_streams_in_headless_chromium() {
    let (_net, env) = network("web").await;
    let out = node_test(&["test/browser.test.ts"], env).await;
    assert!(out.contains("# pass 1"), "{out}");
    assert!(root().join("target/ts-web-example.png").is_file());
}

/// README.md's TypeScript example, verbatim, run as a dApp would (the package by its name).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_typescript_example_runs() {
    let code = std::fs::read_to_string(package().join("examples/readme.ts")).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&code),
        "README.md shows sdk/ts/examples/readme.ts verbatim"
    );
    assert!(code.lines().count() <= 15, "the example stays at 15 lines");
    let (_net, env) = network("ts readme").await;
    built();
    let mut cmd = node();
    cmd.arg("examples/readme.ts");
    let out = run_suite(cmd, env).await;
    assert!(
        out.starts_with("stream ") && out.contains(": 500000000 withdrawable at half time"),
        "{out}"
    );
}

/// One `name: (… {a: A, …}, options?: MethodOptions) => Promise<AssembledTransaction<R>>`
/// member per line of a generated `interface Client`, as `(name, arguments, result)`, with
/// stellar-cli's `Buffer` read as `Uint8Array` (what @stellar/stellar-sdk 17 decodes bytes to).
fn client_methods(ts: &str) -> Vec<(String, String, String)> {
    let client = ts
        .split_once("export interface Client {")
        .map(|(_, rest)| rest.split_once("\n}").map_or(rest, |(body, _)| body))
        .unwrap_or_default();
    let mut methods: Vec<(String, String, String)> = client
        .lines()
        .filter_map(|line| {
            let line = line
                .trim()
                .trim_end_matches(';')
                .replace("Buffer", "Uint8Array");
            let (name, rest) = line.split_once(": (")?;
            let (args, result) = rest.split_once(") => ")?;
            let args = args
                .trim_end_matches("options?: MethodOptions")
                .trim_end_matches(", ");
            let types = args.split_once(": ").map_or("", |(_, t)| t).to_string();
            Some((name.to_string(), types, result.to_string()))
        })
        .collect();
    methods.sort();
    methods
}

/// Our bindings have stellar-cli's method names, argument names and types, and result types.
/// Skipped (with a message) where stellar-cli is not installed; CI installs it.
#[test]
fn the_bindings_match_stellar_cli() {
    if Command::new("stellar").arg("--version").output().is_err() {
        println!("stellar-cli is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for contract in ["stream", "claims", "access", "insurance"] {
        let out = dir.path().join(contract);
        let status = Command::new("stellar")
            .args([
                "contract",
                "bindings",
                "typescript",
                "--overwrite",
                "--wasm",
            ])
            .arg(root().join(format!("target/wasm/tributary_{contract}.wasm")))
            .arg("--output-dir")
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let theirs = client_methods(&std::fs::read_to_string(out.join("src/index.ts")).unwrap());
        let ours = client_methods(
            &std::fs::read_to_string(package().join(format!("src/generated/{contract}.ts")))
                .unwrap(),
        );
        assert!(theirs.len() >= 7, "{contract}: {theirs:?}");
        assert_eq!(ours, theirs, "{contract}");
    }
}
