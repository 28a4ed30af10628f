//! The insurance fund's real token balances, read from the chain beside the indexed flows:
//! the indexed balance counts skims in and bailouts out, so a direct transfer into the fund
//! (a donation, a mistaken payment) makes it differ from what the fund holds.
//!
//! A Stellar Asset Contract keeps a contract's balance in a persistent contract-data entry
//! keyed `Vec[Symbol("Balance"), Address(holder)]` whose value is a map with an `amount`
//! (i128, base units) (soroban-env-host, `builtin_contracts/stellar_asset_contract/storage_types.rs`);
//! it is read with `getLedgerEntries` (by the follower, which counts its failures like every
//! RPC call). A missing entry is a zero balance.

use std::collections::BTreeMap;

use stellar_rpc_client::FullLedgerEntries;
use stellar_xdr::{
    ContractDataDurability, LedgerEntryData, LedgerKey, LedgerKeyContractData, ScAddress, ScSymbol,
    ScVal,
};

/// The fund's on-chain balances as of one `getLedgerEntries` answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FundBalances {
    /// The RPC's latest ledger when read.
    pub ledger: u32,
    /// When read, Unix seconds (wall clock).
    pub checked_at: u64,
    /// Balance per asset contract (C…), base units.
    pub balances: BTreeMap<String, i128>,
}

/// The SAC balance entry of `holder` in `asset`.
pub fn balance_key(asset: &ScAddress, holder: &ScAddress) -> LedgerKey {
    let key = ScVal::Vec(Some(
        vec![
            ScVal::Symbol(ScSymbol("Balance".try_into().unwrap_or_default())),
            ScVal::Address(holder.clone()),
        ]
        .try_into()
        .unwrap_or_default(),
    ));
    LedgerKey::ContractData(LedgerKeyContractData {
        contract: asset.clone(),
        key,
        durability: ContractDataDurability::Persistent,
    })
}

/// The `amount` of a SAC balance entry's value.
pub fn balance_amount(data: &LedgerEntryData) -> Option<i128> {
    let LedgerEntryData::ContractData(d) = data else {
        return None;
    };
    let ScVal::Map(Some(map)) = &d.val else {
        return None;
    };
    map.iter().find_map(|e| match (&e.key, &e.val) {
        (ScVal::Symbol(k), ScVal::I128(v)) if k.as_vec() == b"amount" => Some(i128::from(v)),
        _ => None,
    })
}

/// The balance entries to read: `fund`'s in each of `assets` (C… strkeys; others are
/// skipped), with the asset each belongs to.
///
/// # Errors
/// The fund's id isn't an address.
pub fn balance_keys(fund: &str, assets: &[String]) -> Result<Vec<(String, LedgerKey)>, String> {
    let holder: ScAddress = fund.parse().map_err(|e| format!("fund {fund}: {e}"))?;
    Ok(assets
        .iter()
        .filter_map(|a| {
            let asset: ScAddress = a.parse().ok()?;
            Some((a.clone(), balance_key(&asset, &holder)))
        })
        .collect())
}

/// The balances in a `getLedgerEntries` answer for `keys` ([`balance_keys`]); an asset with
/// no entry holds 0.
///
/// # Errors
/// An entry that isn't a SAC balance.
pub fn balances(
    keys: &[(String, LedgerKey)],
    answer: FullLedgerEntries,
) -> Result<FundBalances, String> {
    let mut balances: BTreeMap<String, i128> =
        keys.iter().map(|(asset, _)| (asset.clone(), 0)).collect();
    for e in answer.entries {
        let LedgerKey::ContractData(k) = &e.key else {
            continue;
        };
        let amount = balance_amount(&e.val)
            .ok_or_else(|| format!("{}: not a token balance entry", k.contract))?;
        balances.insert(k.contract.to_string(), amount);
    }
    Ok(FundBalances {
        ledger: u32::try_from(answer.latest_ledger).unwrap_or_default(),
        checked_at: crate::progress::wall_clock(),
        balances,
    })
}
