//! A payroll backend on tributary-sdk alone: a treasury (one hot account) funds a month's
//! salary per employee as streams in one transaction, then submits every employee's withdrawal
//! at once from that same account, decodes the events of each, and handles a typed error.
//! Times come from the ledger clock. A withdrawal paid to the stream's own recipient needs no
//! signature but the fee payer's (`withdraw`'s "Authorization" section in the bindings): the
//! treasury pushes each salary out, and pays the fee.
//!
//! `cargo run -p tributary-sdk --example payroll` reads `RPC_URL`, `DEPLOYMENT` (a
//! deployment.json), `TREASURY_SECRET` and `EMPLOYEE_SECRETS` (comma-separated, funded
//! accounts). `sdk/cli/tests/payroll.rs` runs it on the local network.
use std::path::Path;

use tributary_sdk::{
    deployment::Deployment,
    events::{decode_contract_event, TributaryEvent},
    generated::{
        stream::{StreamContract, StreamError, StreamEvent, StreamParams},
        ContractError,
    },
    ids::random_salt,
    xdr::ScAddress,
    Client, Error, Invoked, Signer,
};

/// One month of salary, base units (stroops of XLM).
pub const SALARY: i128 = 100_000_000;
/// Thirty days, seconds.
const MONTH: u64 = 30 * 24 * 60 * 60;

/// What a payroll run did.
#[derive(Debug)]
pub struct Report {
    /// The streams, one per employee, in order.
    pub streams: Vec<u64>,
    /// Each employee's withdrawal, in order.
    pub withdrawals: Vec<Invoked<i128>>,
    /// The `Withdrawn` events decoded from the withdrawals, each checked against its call.
    pub withdrawn_events: usize,
    /// The error of an over-withdrawal, refused by name.
    pub refused: ContractError,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let deployment = Deployment::load(Path::new(&env("DEPLOYMENT")?))?;
    let treasury = Signer::from_secret(&env("TREASURY_SECRET")?)?;
    let employees = env("EMPLOYEE_SECRETS")?
        .split(',')
        .map(Signer::from_secret)
        .collect::<Result<Vec<_>, _>>()?;
    let report = run(&env("RPC_URL")?, &deployment, &treasury, &employees).await?;
    println!(
        "{} streams; {} withdrawals in ledgers {:?}; refused: {}",
        report.streams.len(),
        report.withdrawals.len(),
        report
            .withdrawals
            .iter()
            .map(|w| w.ledger)
            .collect::<Vec<_>>(),
        report.refused
    );
    Ok(())
}

/// Runs the payroll: streams for `employees` from `treasury`, then all their withdrawals at once.
///
/// # Errors
/// The SDK's [`Error`] from any step, or a description of an unexpected outcome.
pub async fn run(
    rpc_url: &str,
    deployment: &Deployment,
    treasury: &Signer,
    employees: &[Signer],
) -> Result<Report, Box<dyn std::error::Error>> {
    let client = Client::connect(rpc_url, &deployment.network_passphrase).await?;
    let streams = StreamContract::new(deployment.stream.parse()?);
    let token: ScAddress = deployment.assets[0].parse()?;

    // A month's salary each, vesting from a day ago on the ledger clock: 1/30 is withdrawable.
    let start = client.ledger_time().await? - 24 * 60 * 60;
    let params: Vec<StreamParams> = employees
        .iter()
        .map(|e| StreamParams {
            cancelable: true,
            cliff: start,
            deposit: SALARY,
            end: start + MONTH,
            recipient: e.address(),
            salt: random_salt(),
            start,
            token: token.clone(),
            transferable: false,
        })
        .collect();
    let create = streams.create_streams(&treasury.address(), &params);
    let ids = client.invoke(treasury, &create, &[]).await?.value;

    // Every withdrawal at once, all from the treasury's account: the SDK numbers them.
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (id, employee)) in ids.iter().zip(employees).enumerate() {
        let (client, treasury) = (client.clone(), treasury.clone());
        let call = streams.withdraw_max(*id, &employee.address());
        tasks.spawn(async move { (i, client.invoke(&treasury, &call, &[]).await) });
    }
    let mut withdrawals: Vec<Option<Invoked<i128>>> = employees.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        let (i, done) = joined?;
        withdrawals[i] = Some(done?);
    }
    let withdrawals: Vec<Invoked<i128>> = withdrawals.into_iter().flatten().collect();

    // Each withdrawal's `Withdrawn` event, from the stream contract, matches its call.
    let contracts = deployment.contracts();
    let mut withdrawn_events = 0;
    for ((w, id), employee) in withdrawals.iter().zip(&ids).zip(employees) {
        for event in &w.events {
            if let Some(TributaryEvent::Stream(StreamEvent::Withdrawn(e))) =
                decode_contract_event(&contracts, event)?
            {
                if e.id != *id || e.to != employee.address() || e.net != w.value {
                    return Err(format!("stream {id}: event {e:?} differs from the call").into());
                }
                withdrawn_events += 1;
            }
        }
    }

    // More than has vested: refused by name, nothing sent.
    let greedy = streams.withdraw(ids[0], &employees[0].address(), SALARY);
    let refused = match client.invoke(treasury, &greedy, &[]).await {
        Err(Error::Contract(e @ ContractError::Stream(StreamError::AmountExceedsWithdrawable))) => {
            e
        }
        other => return Err(format!("expected AmountExceedsWithdrawable, got {other:?}").into()),
    };
    Ok(Report {
        streams: ids,
        withdrawals,
        withdrawn_events,
        refused,
    })
}
