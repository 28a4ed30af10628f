//! The classic operations a wallet needs: create account, payment and change trust.
//!
//! Rules follow stellar-core for these three operations: minimum balances of
//! `(2 + subentries) × base reserve`, trustline limits, and issuers that mint and burn. There are
//! no sponsorships, liabilities or authorization flags: every trustline is authorized.

use stellar_xdr::{
    AccountEntry, AccountEntryExt, AccountId, AlphaNum12, AlphaNum4, Asset, ChangeTrustAsset,
    ChangeTrustOp, ChangeTrustResult, CreateAccountOp, CreateAccountResult, LedgerEntry,
    LedgerEntryData, LedgerEntryExt, LedgerKey, LedgerKeyAccount, LedgerKeyTrustLine,
    OperationResult, OperationResultTr, PaymentOp, PaymentResult, SequenceNumber, String32,
    Thresholds, TrustLineAsset, TrustLineEntry, TrustLineEntryExt, TrustLineFlags, VecM,
};

use crate::{settings::BASE_RESERVE, txn::Overlay};

/// The ledger key of an account.
pub fn account_key(id: &AccountId) -> LedgerKey {
    LedgerKey::Account(LedgerKeyAccount {
        account_id: id.clone(),
    })
}

/// A new account with `balance` stroops, its sequence number starting at `ledger_seq << 32`
/// (stellar-core's rule).
pub fn new_account(id: AccountId, balance: i64, ledger_seq: u32) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: ledger_seq,
        data: LedgerEntryData::Account(AccountEntry {
            account_id: id,
            balance,
            seq_num: SequenceNumber(i64::from(ledger_seq) << 32),
            num_sub_entries: 0,
            inflation_dest: None,
            flags: 0,
            home_domain: String32::default(),
            thresholds: Thresholds([1, 0, 0, 0]),
            signers: VecM::default(),
            ext: AccountEntryExt::V0,
        }),
        ext: LedgerEntryExt::V0,
    }
}

/// The account entry for `id`, if it exists.
pub fn load_account(view: &Overlay<'_>, id: &AccountId) -> Option<AccountEntry> {
    match view.get(&account_key(id)).map(|e| e.entry.data) {
        Some(LedgerEntryData::Account(a)) => Some(a),
        _ => None,
    }
}

/// Stages an updated account entry.
pub fn store_account(view: &mut Overlay<'_>, account: AccountEntry) {
    view.put(
        LedgerEntry {
            last_modified_ledger_seq: 0,
            data: LedgerEntryData::Account(account),
            ext: LedgerEntryExt::V0,
        },
        None,
    );
}

/// The minimum balance of an account, stroops: `(2 + num_sub_entries) × base reserve`.
pub fn min_balance(account: &AccountEntry) -> i64 {
    (2 + i64::from(account.num_sub_entries)) * i64::from(BASE_RESERVE)
}

/// Applies one classic operation with `source` as its source account.
pub fn apply(
    view: &mut Overlay<'_>,
    source: &AccountId,
    op: &stellar_xdr::OperationBody,
) -> OperationResult {
    use stellar_xdr::OperationBody as B;
    let tr = match op {
        B::CreateAccount(op) => OperationResultTr::CreateAccount(create_account(view, source, op)),
        B::Payment(op) => OperationResultTr::Payment(payment(view, source, op)),
        B::ChangeTrust(op) => OperationResultTr::ChangeTrust(change_trust(view, source, op)),
        _ => return OperationResult::OpNotSupported,
    };
    OperationResult::OpInner(tr)
}

fn create_account(
    view: &mut Overlay<'_>,
    source: &AccountId,
    op: &CreateAccountOp,
) -> CreateAccountResult {
    if op.starting_balance <= 0 {
        return CreateAccountResult::Malformed;
    }
    if load_account(view, &op.destination).is_some() {
        return CreateAccountResult::AlreadyExist;
    }
    if op.starting_balance < 2 * i64::from(BASE_RESERVE) {
        return CreateAccountResult::LowReserve;
    }
    let Some(mut src) = load_account(view, source) else {
        return CreateAccountResult::Underfunded;
    };
    if src.balance - op.starting_balance < min_balance(&src) {
        return CreateAccountResult::Underfunded;
    }
    src.balance -= op.starting_balance;
    store_account(view, src);
    let seq = view.seq();
    view.put(
        new_account(op.destination.clone(), op.starting_balance, seq),
        None,
    );
    CreateAccountResult::Success
}

fn payment(view: &mut Overlay<'_>, source: &AccountId, op: &PaymentOp) -> PaymentResult {
    if op.amount <= 0 {
        return PaymentResult::Malformed;
    }
    let dest = op.destination.clone().account_id();
    if load_account(view, &dest).is_none() {
        return PaymentResult::NoDestination;
    }
    match &op.asset {
        Asset::Native => {
            let Some(mut src) = load_account(view, source) else {
                return PaymentResult::Underfunded;
            };
            if src.balance - op.amount < min_balance(&src) {
                return PaymentResult::Underfunded;
            }
            src.balance -= op.amount;
            store_account(view, src);
            let Some(mut d) = load_account(view, &dest) else {
                return PaymentResult::NoDestination;
            };
            d.balance = match d.balance.checked_add(op.amount) {
                Some(b) => b,
                None => return PaymentResult::LineFull,
            };
            store_account(view, d);
            PaymentResult::Success
        }
        asset => credit_payment(view, source, &dest, asset, op.amount),
    }
}

fn credit_payment(
    view: &mut Overlay<'_>,
    source: &AccountId,
    dest: &AccountId,
    asset: &Asset,
    amount: i64,
) -> PaymentResult {
    let issuer = issuer_of(asset);
    let line = trustline_asset(asset);
    if Some(source) != issuer {
        let Some(mut t) = load_trustline(view, source, &line) else {
            return PaymentResult::SrcNoTrust;
        };
        if t.balance < amount {
            return PaymentResult::Underfunded;
        }
        t.balance -= amount;
        store_trustline(view, t);
    }
    if Some(dest) != issuer {
        let Some(mut t) = load_trustline(view, dest, &line) else {
            return PaymentResult::NoTrust;
        };
        match t.balance.checked_add(amount) {
            Some(b) if b <= t.limit => t.balance = b,
            _ => return PaymentResult::LineFull,
        }
        store_trustline(view, t);
    }
    PaymentResult::Success
}

fn change_trust(
    view: &mut Overlay<'_>,
    source: &AccountId,
    op: &ChangeTrustOp,
) -> ChangeTrustResult {
    let asset = match &op.line {
        ChangeTrustAsset::CreditAlphanum4(a) => Asset::CreditAlphanum4(a.clone()),
        ChangeTrustAsset::CreditAlphanum12(a) => Asset::CreditAlphanum12(a.clone()),
        ChangeTrustAsset::Native | ChangeTrustAsset::PoolShare(_) => {
            return ChangeTrustResult::Malformed
        }
    };
    if op.limit < 0 {
        return ChangeTrustResult::Malformed;
    }
    if issuer_of(&asset) == Some(source) {
        return ChangeTrustResult::SelfNotAllowed;
    }
    let Some(issuer) = issuer_of(&asset) else {
        return ChangeTrustResult::Malformed;
    };
    if load_account(view, issuer).is_none() {
        return ChangeTrustResult::NoIssuer;
    }
    let line = trustline_asset(&asset);
    let Some(mut src) = load_account(view, source) else {
        return ChangeTrustResult::Malformed;
    };
    match load_trustline(view, source, &line) {
        Some(t) if op.limit == 0 => {
            if t.balance != 0 {
                return ChangeTrustResult::InvalidLimit;
            }
            view.remove(&trustline_key(source, &line));
            src.num_sub_entries -= 1;
            store_account(view, src);
        }
        Some(mut t) => {
            if op.limit < t.balance {
                return ChangeTrustResult::InvalidLimit;
            }
            t.limit = op.limit;
            store_trustline(view, t);
        }
        None if op.limit == 0 => return ChangeTrustResult::InvalidLimit,
        None => {
            src.num_sub_entries += 1;
            if src.balance < min_balance(&src) {
                return ChangeTrustResult::LowReserve;
            }
            store_account(view, src);
            store_trustline(
                view,
                TrustLineEntry {
                    account_id: source.clone(),
                    asset: line,
                    balance: 0,
                    limit: op.limit,
                    flags: TrustLineFlags::AuthorizedFlag as u32,
                    ext: TrustLineEntryExt::V0,
                },
            );
        }
    }
    ChangeTrustResult::Success
}

fn issuer_of(asset: &Asset) -> Option<&AccountId> {
    match asset {
        Asset::Native => None,
        Asset::CreditAlphanum4(AlphaNum4 { issuer, .. }) => Some(issuer),
        Asset::CreditAlphanum12(AlphaNum12 { issuer, .. }) => Some(issuer),
    }
}

fn trustline_asset(asset: &Asset) -> TrustLineAsset {
    match asset {
        Asset::Native => TrustLineAsset::Native,
        Asset::CreditAlphanum4(a) => TrustLineAsset::CreditAlphanum4(a.clone()),
        Asset::CreditAlphanum12(a) => TrustLineAsset::CreditAlphanum12(a.clone()),
    }
}

fn trustline_key(account: &AccountId, asset: &TrustLineAsset) -> LedgerKey {
    LedgerKey::Trustline(LedgerKeyTrustLine {
        account_id: account.clone(),
        asset: asset.clone(),
    })
}

fn load_trustline(
    view: &Overlay<'_>,
    account: &AccountId,
    asset: &TrustLineAsset,
) -> Option<TrustLineEntry> {
    match view
        .get(&trustline_key(account, asset))
        .map(|e| e.entry.data)
    {
        Some(LedgerEntryData::Trustline(t)) => Some(t),
        _ => None,
    }
}

fn store_trustline(view: &mut Overlay<'_>, line: TrustLineEntry) {
    view.put(
        LedgerEntry {
            last_modified_ledger_seq: 0,
            data: LedgerEntryData::Trustline(line),
            ext: LedgerEntryExt::V0,
        },
        None,
    );
}
