//! The ledger time and cross-contract calls, without the SDK's panicking conversions.
//!
//! `Ledger::timestamp` and the generated clients (through `Env::invoke_contract::<T>`) end in
//! `Result::unwrap`, which links `core::fmt` into the WASM: about 4 KB of a contract's code.
//! These helpers call the same host functions, so behaviour and cost are unchanged: a failing
//! callee still fails the whole call with its own error. A value of an unexpected type traps.

use soroban_env_common::Env as _;
use soroban_sdk::{
    symbol_short,
    unwrap::{UnwrapInfallible, UnwrapOptimized},
    vec, Address, Env, IntoVal, Symbol, TryFromVal, Val,
};

/// The ledger close time, Unix seconds (the `get_ledger_timestamp` host function).
pub fn now(e: &Env) -> u64 {
    let t = e.get_ledger_timestamp().unwrap_infallible();
    u64::try_from_val(e, &t).unwrap_optimized()
}

/// Calls `contract.function(args)` and converts its return value to `T`.
///
/// `invoke_contract::<Val>` cannot fail to convert, so no unwrap is linked.
pub fn call<T: TryFromVal<Env, Val>>(
    e: &Env,
    contract: &Address,
    function: &Symbol,
    args: soroban_sdk::Vec<Val>,
) -> T {
    let rv: Val = e.invoke_contract(contract, function, args);
    T::try_from_val(e, &rv).unwrap_optimized()
}

/// SEP-41 `transfer(from, to, amount)` of `amount` base units of `token`.
///
/// # Errors
/// The token's own error (for example an insufficient balance or a missing trustline).
pub fn transfer(e: &Env, token: &Address, from: &Address, to: &Address, amount: i128) {
    let args = vec![e, from.into_val(e), to.into_val(e), amount.into_val(e)];
    call::<()>(e, token, &symbol_short!("transfer"), args)
}

/// SEP-41 `balance(id)`: `who`'s balance of `token`, in base units.
pub fn balance(e: &Env, token: &Address, who: &Address) -> i128 {
    call(
        e,
        token,
        &symbol_short!("balance"),
        vec![e, who.into_val(e)],
    )
}

/// `who`'s balance of `token` in base units, or 0 when `token` is not a contract that answers
/// SEP-41 `balance` (for example an address that was never a token): a bailout proposed in
/// such an "asset" fails with the fund's typed `InsufficientBalance` instead of trapping.
pub fn try_balance(e: &Env, token: &Address, who: &Address) -> i128 {
    let args = vec![e, who.into_val(e)];
    match e.try_invoke_contract::<i128, soroban_sdk::Error>(token, &symbol_short!("balance"), args)
    {
        Ok(Ok(amount)) => amount,
        _ => 0,
    }
}

/// SEP-41 `allowance(from, spender)`: what `spender` may still move from `from`, in base
/// units; `0` once the allowance's `live_until_ledger` has passed.
pub fn allowance(e: &Env, token: &Address, from: &Address, spender: &Address) -> i128 {
    let args = vec![e, from.into_val(e), spender.into_val(e)];
    call(e, token, &symbol_short!("allowance"), args)
}

/// SEP-41 `transfer_from(spender, from, to, amount)`: moves `amount` base units of `token`
/// from `from` to `to` under `spender`'s allowance.
///
/// # Errors
/// The token's own error (allowance or balance too low).
pub fn transfer_from(
    e: &Env,
    token: &Address,
    spender: &Address,
    from: &Address,
    to: &Address,
    amount: i128,
) {
    let args = vec![
        e,
        spender.into_val(e),
        from.into_val(e),
        to.into_val(e),
        amount.into_val(e),
    ];
    call::<()>(e, token, &Symbol::new(e, "transfer_from"), args)
}
