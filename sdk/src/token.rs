//! The SEP-41 token interface (Stellar Asset Contracts and compatible tokens), as typed
//! calls: what wallets need around Tributary (balances, and the allowance a keeper's
//! `renew` spends). Amounts are base units.

use stellar_xdr::{InvokeContractArgs, ScAddress, ScVal};

use crate::{
    call::{self, Call},
    scval::{FromScVal, ToScVal},
};

/// A SEP-41 token contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenContract {
    /// The token's contract address.
    pub address: ScAddress,
}

impl TokenContract {
    /// The token at `address`.
    pub fn new(address: ScAddress) -> Self {
        Self { address }
    }

    fn invoke(&self, function: &str, args: Vec<ScVal>) -> InvokeContractArgs {
        call::invoke_args(&self.address, function, args)
    }

    /// `balance(id)`: `id`'s balance.
    pub fn balance(&self, id: &ScAddress) -> Call<i128> {
        Call::new(
            self.invoke("balance", vec![id.to_sc_val()]),
            <i128 as FromScVal>::from_sc_val,
        )
    }

    /// `allowance(from, spender)`: what `spender` may still transfer from `from`.
    pub fn allowance(&self, from: &ScAddress, spender: &ScAddress) -> Call<i128> {
        Call::new(
            self.invoke("allowance", vec![from.to_sc_val(), spender.to_sc_val()]),
            <i128 as FromScVal>::from_sc_val,
        )
    }

    /// `approve(from, spender, amount, expiration_ledger)`: lets `spender` transfer up to
    /// `amount` from `from` until that ledger. Authorized by `from`.
    pub fn approve(
        &self,
        from: &ScAddress,
        spender: &ScAddress,
        amount: i128,
        expiration_ledger: u32,
    ) -> Call<()> {
        Call::new(
            self.invoke(
                "approve",
                vec![
                    from.to_sc_val(),
                    spender.to_sc_val(),
                    amount.to_sc_val(),
                    expiration_ledger.to_sc_val(),
                ],
            ),
            <() as FromScVal>::from_sc_val,
        )
    }

    /// `transfer(from, to, amount)`. Authorized by `from`.
    pub fn transfer(&self, from: &ScAddress, to: &ScAddress, amount: i128) -> Call<()> {
        Call::new(
            self.invoke(
                "transfer",
                vec![from.to_sc_val(), to.to_sc_val(), amount.to_sc_val()],
            ),
            <() as FromScVal>::from_sc_val,
        )
    }
}
