//! The stream contract's entry points. Each one extends the instance TTL, checks
//! authorization, calls a domain function in `stream.rs`, and that function emits the event.
//!
//! Each entry point's `///` summary is published in the contract spec (what wallets and the
//! SDK show). Its `# Errors`, `# Events` and `# Authorization` sections are rustdoc-only
//! (`cfg_attr(doc, ...)`), which keeps several KB of text out of the deployed WASM.

use soroban_sdk::{contract, contractimpl, Address, Env, Vec};
use tributary_common::{config::init_config, ttl::extend_instance};

use crate::{
    errors::StreamError,
    events::Renounced,
    storage::{self, Stream, StreamParams, StreamStatus},
    stream,
};

/// Payment streams: linear vesting with a cliff, paid out with a 1% skim to insurance.
#[contract]
pub struct StreamContract;

#[contractimpl]
impl StreamContract {
    /// Deploys the contract bound, immutably, to the insurance contract at `insurance`.
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `insurance`: the insurance contract, which holds the asset allowlist and receives skims."
    )]
    pub fn __constructor(e: Env, insurance: Address) {
        init_config(&e, insurance);
    }

    /// Creates a stream of `deposit` base units of `token` from `sender` to `recipient` and
    /// returns its id, derived from `sender` and `salt` (docs/PROTOCOL.md, "Ids").
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `salt`: any `u64` the sender has not used with this contract; the SDK picks a random one.
  The id is `u64_be(sha256(\"tributary-stream-id-v1\" ‖ xdr(this contract) ‖ xdr(sender) ‖
  u64_be(salt))[0..8])`.
- `deposit`: base units escrowed now, `> 0`.
- `start`, `cliff`, `end`: Unix seconds with `start <= cliff <= end`, `start < end` and
  `end > now`; `start` may be in the past.
- `cancelable`: whether the sender may cancel; `transferable`: whether the recipient
  may hand the stream on.

# Errors
- `InvalidDeposit` if `deposit <= 0`.
- `StartNotBeforeEnd` if `start >= end`.
- `CliffBeforeStart` if `cliff < start`; `CliffAfterEnd` if `cliff > end`.
- `EndNotInFuture` if `end <= now`.
- `SenderIsRecipient` if `sender == recipient`.
- `RecipientIsContract` if `recipient` is this contract.
- `TokenNotInsured` if the insurance contract does not list `token`.
- `IdTaken` if `sender` already used `salt` here.

# Events
`stream_created`.

# Authorization
`sender`, for this call and the token transfer of `deposit` into this contract."
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn create_stream(
        e: Env,
        sender: Address,
        salt: u64,
        recipient: Address,
        token: Address,
        deposit: i128,
        start: u64,
        cliff: u64,
        end: u64,
        cancelable: bool,
        transferable: bool,
    ) -> Result<u64, StreamError> {
        extend_instance(&e);
        sender.require_auth();
        let params = StreamParams {
            salt,
            recipient,
            token,
            deposit,
            start,
            cliff,
            end,
            cancelable,
            transferable,
        };
        stream::create(&e, &sender, params)
    }

    /// Creates several streams funded by `sender` in one transaction and returns their ids in
    /// the order given. All-or-nothing: one invalid entry fails the whole batch.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`EmptyBatch` for an empty list, and any error of [`Self::create_stream`] for an entry
(`IdTaken` also when two entries repeat a salt).

# Events
One `stream_created` per stream.

# Authorization
`sender`, for this call and one token transfer per distinct token (the sum of its
deposits)."
    )]
    pub fn create_streams(
        e: Env,
        sender: Address,
        params: Vec<StreamParams>,
    ) -> Result<Vec<u64>, StreamError> {
        extend_instance(&e);
        sender.require_auth();
        stream::create_batch(&e, &sender, &params)
    }

    /// Withdraws a gross `amount` (base units) from stream `id` to `to`, and returns the net
    /// amount paid to `to`. The skim (1% of the cumulative gross payout) goes to insurance.
    #[cfg_attr(
        doc,
        doc = "
# Errors
- `StreamNotFound`.
- `RecipientIsContract` if `to` is this contract.
- `InvalidAmount` if `amount <= 0`.
- `AmountExceedsWithdrawable` if `amount > withdrawable(id)`.

# Events
`withdrawn`, and `skim_paid` when the skim is non-zero.

# Authorization
None if `to` is the recipient (anyone may push the recipient's funds to them);
otherwise the recipient.

# Notes
Works after a cancel: the vested part stays withdrawable (pull model)."
    )]
    pub fn withdraw(e: Env, id: u64, to: Address, amount: i128) -> Result<i128, StreamError> {
        extend_instance(&e);
        let s = storage::get_stream(&e, id)?;
        if to != s.recipient {
            s.recipient.require_auth();
        }
        stream::withdraw(&e, id, s, &to, Some(amount))
    }

    /// Withdraws everything withdrawable from stream `id` to `to`; returns the net amount paid.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`, `RecipientIsContract`, and `NothingToWithdraw` if nothing is
withdrawable.

# Events
`withdrawn`, and `skim_paid` when the skim is non-zero.

# Authorization
As [`Self::withdraw`]."
    )]
    pub fn withdraw_max(e: Env, id: u64, to: Address) -> Result<i128, StreamError> {
        extend_instance(&e);
        let s = storage::get_stream(&e, id)?;
        if to != s.recipient {
            s.recipient.require_auth();
        }
        stream::withdraw(&e, id, s, &to, None)
    }

    /// Cancels stream `id`: refunds the unvested part to the sender and returns it (base
    /// units). The vested part stays withdrawable by the recipient.
    #[cfg_attr(
        doc,
        doc = "
# Errors
- `StreamNotFound`.
- `StreamCanceled` if already canceled.
- `NotCancelable` if created non-cancelable or renounced.
- `StreamSettled` if fully vested (nothing to refund).

# Events
`canceled`.

# Authorization
The sender.

# Notes
Never pays the recipient, so a recipient without a trustline can't block a cancel."
    )]
    pub fn cancel(e: Env, id: u64) -> Result<i128, StreamError> {
        extend_instance(&e);
        let s = storage::get_stream(&e, id)?;
        s.sender.require_auth();
        stream::cancel(&e, id, s)
    }

    /// Gives up the sender's right to cancel stream `id`, for good.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`, `StreamCanceled`, `NotCancelable` (already renounced or created
non-cancelable), `StreamSettled`.

# Events
`renounced`.

# Authorization
The sender."
    )]
    pub fn renounce(e: Env, id: u64) -> Result<(), StreamError> {
        extend_instance(&e);
        let mut s = storage::get_stream(&e, id)?;
        s.sender.require_auth();
        stream::ensure_cancelable(&e, &s)?;
        s.cancelable = false;
        storage::set_stream(&e, id, &s);
        Renounced {
            id,
            sender: s.sender,
        }
        .publish(&e);
        Ok(())
    }

    /// Hands stream `id` to `new_recipient`, who then receives everything not yet withdrawn.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`, `NotTransferable`, `RecipientIsContract` if `new_recipient` is this
contract.

# Events
`transferred`.

# Authorization
The current recipient."
    )]
    pub fn transfer(e: Env, id: u64, new_recipient: Address) -> Result<(), StreamError> {
        extend_instance(&e);
        let s = storage::get_stream(&e, id)?;
        s.recipient.require_auth();
        stream::transfer(&e, id, s, &new_recipient)
    }

    /// Returns stream `id` as stored.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`."
    )]
    pub fn get_stream(e: Env, id: u64) -> Result<Stream, StreamError> {
        extend_instance(&e);
        storage::get_stream(&e, id)
    }

    /// Returns the status of stream `id` at the current ledger time.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`."
    )]
    pub fn status(e: Env, id: u64) -> Result<StreamStatus, StreamError> {
        extend_instance(&e);
        Ok(stream::status(&e, &storage::get_stream(&e, id)?))
    }

    /// Returns the amount streamed so far (base units): `0` before the cliff, `deposit` at or
    /// after `end`, else `floor(deposit * (now - start) / (end - start))`; frozen by a cancel.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`."
    )]
    pub fn streamed(e: Env, id: u64) -> Result<i128, StreamError> {
        extend_instance(&e);
        Ok(stream::streamed(&e, &storage::get_stream(&e, id)?))
    }

    /// Returns the gross amount withdrawable now (base units): `streamed - withdrawn`.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`."
    )]
    pub fn withdrawable(e: Env, id: u64) -> Result<i128, StreamError> {
        extend_instance(&e);
        Ok(stream::withdrawable(&e, &storage::get_stream(&e, id)?))
    }

    /// Returns what a cancel would refund now (base units): `deposit - streamed` for a
    /// cancelable stream, else `0`.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`StreamNotFound`."
    )]
    pub fn refundable(e: Env, id: u64) -> Result<i128, StreamError> {
        extend_instance(&e);
        Ok(stream::refundable(&e, &storage::get_stream(&e, id)?))
    }
}
