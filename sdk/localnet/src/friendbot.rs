//! Friendbot at `/friendbot?addr=` (GET as quickstart documents it, POST as the JS SDK's
//! `fundAddress` sends it). A `G…` account is created with 10,000 XLM; a `C…` contract is paid
//! 10,000 XLM through the native asset's contract (deployed first if needed), as
//! stellar/friendbot does with `fund_contract_addresses`. It answers `{hash, ledger,
//! successful}` once the ledger with the payment has closed, so the JS SDK's single
//! `getTransaction` after it sees SUCCESS. Funding twice gets friendbot's "already funded"
//! error (400).

use std::{collections::HashMap, time::Duration};

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use stellar_xdr::{AccountId, ContractId, ScAddress, TransactionResultResult};

use crate::{
    history::TxRecord,
    node::Submission,
    root_funding::{ContractFunding, FundingError},
    server::{close_and_save, detail, AppState},
};

/// How long friendbot waits for its transaction to be applied.
const APPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// The handler.
pub(crate) async fn friendbot(
    State(app): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(addr) = q.get("addr") else {
        return detail(StatusCode::BAD_REQUEST, "missing query parameter 'addr'");
    };
    if let Ok(id) = addr.parse::<AccountId>() {
        return fund_account(&app, id).await;
    }
    match addr.parse::<ScAddress>() {
        Ok(ScAddress::Contract(c)) => fund_contract(&app, c).await,
        _ => detail(
            StatusCode::BAD_REQUEST,
            format!("invalid address {addr:?}: expected a G… account or a C… contract"),
        ),
    }
}

async fn fund_account(app: &AppState, id: AccountId) -> Response {
    let funded = app.shared.lock().fund(id);
    let hash = match funded {
        Ok(h) => h,
        Err(Submission::Rejected(r, _)) => {
            return detail(StatusCode::BAD_REQUEST, format!("{:?}", r.result))
        }
        Err(_) => {
            return detail(
                StatusCode::BAD_REQUEST,
                "a funding of this account is already queued",
            )
        }
    };
    match applied(app, hash).await {
        Ok(t) if t.success => success(&t),
        Ok(t) => detail(StatusCode::BAD_REQUEST, already_funded_or(&t.result_xdr)),
        Err(timeout) => timeout,
    }
}

async fn fund_contract(app: &AppState, contract: ContractId) -> Response {
    // At most two rounds: deploy the native asset's contract, then pay.
    for _ in 0..2 {
        let step = app.shared.lock().fund_contract(contract.clone());
        let (hash, paying) = match step {
            Ok(ContractFunding::DeployingNativeAsset(h)) => (h, false),
            Ok(ContractFunding::Paying(h)) => (h, true),
            Err(FundingError::AlreadyFunded) => {
                return detail(
                    StatusCode::BAD_REQUEST,
                    "account already funded to starting balance",
                )
            }
            Err(FundingError::Simulation(e)) => {
                return detail(StatusCode::BAD_REQUEST, format!("funding failed: {e}"))
            }
            Err(FundingError::Refused(r)) => {
                return detail(StatusCode::BAD_REQUEST, format!("funding refused: {r:?}"))
            }
        };
        let t = match applied(app, hash).await {
            Ok(t) => t,
            Err(timeout) => return timeout,
        };
        if !t.success {
            return detail(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("funding failed: {}", t.result_xdr),
            );
        }
        if paying {
            return success(&t);
        }
    }
    detail(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the native asset's contract is still missing after its deployment",
    )
}

fn success(t: &TxRecord) -> Response {
    (
        StatusCode::OK,
        Json(json!({ "hash": t.hash, "ledger": t.ledger, "successful": true })),
    )
        .into_response()
}

/// Waits until transaction `hash` is applied (closing a ledger first on a manual network).
async fn applied(app: &AppState, hash: [u8; 32]) -> Result<TxRecord, Response> {
    let hash = hex::encode(hash);
    if app.manual {
        let shared = app.shared.clone();
        let _ = tokio::task::spawn_blocking(move || close_and_save(&shared)).await;
    }
    let deadline = tokio::time::Instant::now() + APPLY_TIMEOUT;
    while tokio::time::Instant::now() < deadline {
        let done = app.shared.lock().history().transactions.get(&hash).cloned();
        if let Some(t) = done {
            return Ok(t);
        }
        let _ =
            tokio::time::timeout(Duration::from_millis(100), app.shared.closed.notified()).await;
    }
    Err(detail(
        StatusCode::GATEWAY_TIMEOUT,
        format!("transaction {hash} not applied within {APPLY_TIMEOUT:?}"),
    ))
}

fn already_funded_or(result_xdr: &str) -> String {
    use stellar_xdr::{
        CreateAccountResult, Limits, OperationResult, OperationResultTr, ReadXdr, TransactionResult,
    };
    let exists = TransactionResult::from_xdr_base64(result_xdr, Limits::none()).is_ok_and(|r| {
        matches!(&r.result, TransactionResultResult::TxFailed(ops) if matches!(
            ops.first(),
            Some(OperationResult::OpInner(OperationResultTr::CreateAccount(CreateAccountResult::AlreadyExist)))
        ))
    });
    if exists {
        "createAccountAlreadyExist (account already funded to starting balance)".into()
    } else {
        format!("funding failed: {result_xdr}")
    }
}
