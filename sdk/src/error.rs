//! The SDK's errors.

use stellar_xdr::TransactionResultCode;

use crate::{generated::ContractError, scval::DecodeError};

/// Why an SDK operation failed. Contract errors come by name ([`ContractError`]), never as a
/// bare code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Tributary contract returned one of its errors (in simulation or on chain).
    #[error("contract error: {0}")]
    Contract(ContractError),
    /// Simulation failed for another reason (a host error, a token's own error, missing
    /// authorization); the message is the RPC's, with the host error.
    #[error("simulation failed: {0}")]
    Simulation(String),
    /// `sendTransaction` refused the transaction (`ERROR`) with this result code: for example
    /// `TxBadSeq` (the sequence number is not the account's next), `TxInsufficientFee`,
    /// `TxTooLate` (past its time bounds), `TxInsufficientBalance`, `TxBadAuth`.
    #[error("transaction rejected: {code:?}")]
    Rejected {
        /// The transaction result code (stellar-xdr's `TransactionResultCode`).
        code: TransactionResultCode,
    },
    /// The transaction was applied and failed; its hash and result.
    #[error("transaction {hash} failed: {result}")]
    Failed {
        /// Transaction hash, hex.
        hash: String,
        /// The result code (`TxFailed` when an operation failed), if the RPC returned it.
        code: Option<TransactionResultCode>,
        /// The full result, e.g. `TxFailed([OpInner(InvokeHostFunction(Trapped))])`.
        result: String,
    },
    /// A key store refused or failed to sign (an HSM, a KMS, a hardware wallet).
    #[error("signing failed: {0}")]
    Signing(String),
    /// The transaction was sent but not seen applied in time. It may still land: look it up by
    /// hash before building another.
    #[error("transaction {hash} not confirmed within {seconds} s")]
    Unconfirmed {
        /// Transaction hash, hex.
        hash: String,
        /// How long the SDK waited, seconds.
        seconds: u64,
    },
    /// The RPC kept failing with transient errors (connection, timeout, 5xx, 429).
    #[error("RPC unavailable after {attempts} attempts: {last}")]
    Unavailable {
        /// Attempts made.
        attempts: u32,
        /// The last error.
        last: String,
    },
    /// The RPC answered with an error that retrying won't fix.
    #[error("RPC error: {0}")]
    Rpc(String),
    /// The RPC serves another network than the one asked for.
    #[error("network mismatch: the RPC serves {found:?}, not {expected:?}")]
    NetworkMismatch {
        /// The passphrase asked for.
        expected: String,
        /// The RPC's passphrase.
        found: String,
    },
    /// The source account doesn't exist.
    #[error("account {0} not found")]
    AccountNotFound(String),
    /// An authorization entry names an address none of the given signers holds.
    #[error("no signer for {0}, which must authorize this call")]
    MissingSigner(String),
    /// A secret key or address doesn't parse.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A value from the RPC doesn't have the expected shape.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Input refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The assembled transaction's fee is above [`crate::CallOptions::max_fee`]; nothing
    /// was sent.
    #[error("fee {fee} stroops is above the cap of {cap}; nothing was sent")]
    FeeAboveCap {
        /// The fee the transaction would bid (inclusion plus resources), stroops.
        fee: u32,
        /// The cap, stroops.
        cap: u32,
    },
}

/// The contract error named in a host error message, e.g. `Error(Contract, #101)`.
pub fn contract_error_in(message: &str) -> Option<ContractError> {
    let start = message.find("Error(Contract, #")? + "Error(Contract, #".len();
    let digits: String = message[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    ContractError::from_code(digits.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::{stream::StreamError, ContractError};

    #[test]
    fn host_messages_map_to_named_contract_errors() {
        assert_eq!(
            contract_error_in("HostError: Error(Contract, #100)\n\nEvent log..."),
            Some(ContractError::Stream(StreamError::StreamNotFound))
        );
        assert_eq!(
            contract_error_in("HostError: Error(Contract, #10)"),
            None,
            "a token's error is not ours"
        );
        assert_eq!(
            contract_error_in("HostError: Error(Auth, InvalidAction)"),
            None
        );
    }
}
