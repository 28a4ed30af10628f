//! A typed contract call, as the generated builders return it.

use stellar_xdr::{HostFunction, InvokeContractArgs, ScAddress, ScSymbol, ScVal};

use crate::scval::DecodeError;

/// A contract invocation and the decoder of its return value (`T`).
#[derive(Clone, Debug)]
pub struct Call<T> {
    /// Contract, function and arguments.
    pub args: InvokeContractArgs,
    decode: fn(&ScVal) -> Result<T, DecodeError>,
}

impl<T> Call<T> {
    /// A call of `args` whose return value `decode` reads.
    pub fn new(args: InvokeContractArgs, decode: fn(&ScVal) -> Result<T, DecodeError>) -> Self {
        Self { args, decode }
    }

    /// The return value from its `ScVal`.
    ///
    /// # Errors
    /// [`DecodeError`] if the value doesn't have the function's return type.
    pub fn decode(&self, value: &ScVal) -> Result<T, DecodeError> {
        (self.decode)(value)
    }

    /// The `InvokeHostFunction` operation's host function.
    pub fn host_function(&self) -> HostFunction {
        HostFunction::InvokeContract(self.args.clone())
    }
}

/// The invocation of `function` on `contract` with `args`, as generated builders and
/// [`crate::token`] build it. A name over 32 bytes or over 2^32 arguments can't occur in
/// these callers (names come from the contract specs and SEP-41); they would become empty.
pub fn invoke_args(contract: &ScAddress, function: &str, args: Vec<ScVal>) -> InvokeContractArgs {
    InvokeContractArgs {
        contract_address: contract.clone(),
        function_name: ScSymbol(function.try_into().unwrap_or_default()),
        args: args.try_into().unwrap_or_default(),
    }
}
