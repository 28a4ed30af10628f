//! The payroll example (`sdk/examples/payroll.rs`) on the local network with 2-second
//! ledgers: 20 streams in one transaction, then 20 withdrawals submitted at once from the
//! treasury's one account, every one applied, each `Withdrawn` event decoded and checked, and an
//! over-withdrawal refused by name. `PAYROLL_EMPLOYEES=50 PAYROLL_LEDGER_SECONDS=5` runs it with
//! 50 at the public networks' cadence (BENCHMARKS.md: concurrent submissions from one account
//! per ledger).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{collections::BTreeMap, time::Duration};

use support::{deploy, Net};
use tributary_sdk::{deployment::Deployment, skim::net_of};

#[allow(dead_code)]
#[path = "../../examples/payroll.rs"]
mod payroll;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_withdrawals_from_one_account_all_apply() {
    let employees: usize = std::env::var("PAYROLL_EMPLOYEES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let seconds: u64 = std::env::var("PAYROLL_LEDGER_SECONDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2);
    let net = Net::start_with("payroll", Duration::from_secs(seconds)).await;
    deploy(&net).await;
    let deployment = Deployment::load(&net.dir.path().join("deployment.json")).unwrap();
    let treasury = net.account("treasury").await;
    let labels: Vec<String> = (0..employees).map(|i| format!("employee {i}")).collect();
    let staff = net.accounts(&labels).await;

    let report = payroll::run(&net.localnet.rpc_url(), &deployment, &treasury, &staff)
        .await
        .unwrap();
    assert_eq!(report.streams.len(), employees);
    assert_eq!(
        report.withdrawals.len(),
        employees,
        "every withdrawal applied"
    );
    for w in &report.withdrawals {
        // A day of a 30-day month has vested (a little more by the time it lands); the net
        // is the gross less the 1% skim.
        assert!(
            w.value >= net_of(0, payroll::SALARY / 30) && w.value < payroll::SALARY / 29,
            "{w:?}"
        );
    }
    assert_eq!(
        report.withdrawn_events, employees,
        "one Withdrawn event per withdrawal"
    );
    assert_eq!(
        report.refused.to_string(),
        "stream: AmountExceedsWithdrawable: A withdrawal amount above what is withdrawable now. (error 110)"
    );
    let mut per_ledger: BTreeMap<u32, usize> = BTreeMap::new();
    for w in &report.withdrawals {
        *per_ledger.entry(w.ledger).or_default() += 1;
    }
    println!(
        "payroll: {employees} withdrawals from one account, {seconds}-second ledgers, per ledger: {per_ledger:?}"
    );
}
