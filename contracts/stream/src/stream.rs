//! Domain logic of streams: the vesting math and the state transitions.
//!
//! Functions here take `e: &Env` first, assume authorization was already checked by
//! `contract.rs`, and mark their steps Check / Effect / Interaction; token transfers come last.

use soroban_sdk::{Address, Env, Vec};
use tributary_common::{
    config::get_config,
    host::{self, now},
    ids::{derive_id, STREAM_ID_DOMAIN},
    insurance::is_insured,
    skim::pay_with_skim,
    vec::index_of,
    vesting::{Position, Status},
};

use crate::{
    errors::StreamError,
    events::{Canceled, StreamCreated, Transferred, Withdrawn},
    storage::{self, Stream, StreamParams, StreamStatus},
};

/// The stream's vesting inputs, for the shared rules (`tributary_rules::vesting`).
fn position(s: &Stream) -> Position {
    Position {
        deposit: s.deposit,
        withdrawn: s.withdrawn,
        refunded: s.refunded,
        start: s.start,
        cliff: s.cliff,
        end: s.end,
        cancelable: s.cancelable,
        canceled: s.canceled,
    }
}

/// Amount vested at `now` (docs/PROTOCOL.md, "Math"), ignoring cancellation:
/// `0` before the cliff, `deposit` at or after `end`, otherwise
/// `floor(deposit * (now - start) / (end - start))`, rounded down, never overflowing.
pub fn vested_at(s: &Stream, now: u64) -> i128 {
    position(s).vested_at(now)
}

/// Amount streamed so far: frozen at the cancel for a canceled stream.
pub fn streamed(e: &Env, s: &Stream) -> i128 {
    position(s).streamed(now(e))
}

/// `streamed - withdrawn`, always `>= 0`.
pub fn withdrawable(e: &Env, s: &Stream) -> i128 {
    position(s).withdrawable(now(e))
}

/// What a cancel would refund now: the unvested part of a cancelable stream, else `0`.
pub fn refundable(e: &Env, s: &Stream) -> i128 {
    position(s).refundable(now(e))
}

/// The stream's status at the current ledger time (Sablier's lifecycle).
pub fn status(e: &Env, s: &Stream) -> StreamStatus {
    match position(s).status(now(e)) {
        Status::Pending => StreamStatus::Pending,
        Status::Streaming => StreamStatus::Streaming,
        Status::Settled => StreamStatus::Settled,
        Status::Canceled => StreamStatus::Canceled,
        Status::Depleted => StreamStatus::Depleted,
    }
}

/// Checks `p`; `this` is this contract's address.
fn validate(
    e: &Env,
    this: &Address,
    sender: &Address,
    p: &StreamParams,
) -> Result<(), StreamError> {
    if p.deposit <= 0 {
        return Err(StreamError::InvalidDeposit);
    }
    if p.start >= p.end {
        return Err(StreamError::StartNotBeforeEnd);
    }
    if p.cliff < p.start {
        return Err(StreamError::CliffBeforeStart);
    }
    if p.cliff > p.end {
        return Err(StreamError::CliffAfterEnd);
    }
    if p.end <= now(e) {
        return Err(StreamError::EndNotInFuture);
    }
    if *sender == p.recipient {
        return Err(StreamError::SenderIsRecipient);
    }
    if p.recipient == *this {
        return Err(StreamError::RecipientIsContract);
    }
    Ok(())
}

/// Stores the stream opened by `sender` with parameters `p` (already validated) under the id
/// its salt derives, and returns the id; `IdTaken` if that stream exists.
fn store(e: &Env, sender: &Address, p: &StreamParams) -> Result<u64, StreamError> {
    let id = derive_id(e, STREAM_ID_DOMAIN, sender, p.salt);
    if storage::has_stream(e, id) {
        return Err(StreamError::IdTaken);
    }
    let s = Stream {
        sender: sender.clone(),
        recipient: p.recipient.clone(),
        token: p.token.clone(),
        deposit: p.deposit,
        withdrawn: 0,
        refunded: 0,
        start: p.start,
        cliff: p.cliff,
        end: p.end,
        cancelable: p.cancelable,
        transferable: p.transferable,
        canceled: false,
    };
    storage::set_stream(e, id, &s);
    Ok(id)
}

fn emit_created(e: &Env, sender: &Address, id: u64, p: StreamParams) {
    StreamCreated {
        id,
        sender: sender.clone(),
        recipient: p.recipient,
        token: p.token,
        deposit: p.deposit,
        start: p.start,
        cliff: p.cliff,
        end: p.end,
        cancelable: p.cancelable,
        transferable: p.transferable,
    }
    .publish(e);
}

/// Creates one stream funded by `sender` and returns its id.
pub fn create(e: &Env, sender: &Address, p: StreamParams) -> Result<u64, StreamError> {
    // Check
    let this = e.current_contract_address();
    validate(e, &this, sender, &p)?;
    if !is_insured(e, &get_config(e).insurance, &p.token) {
        return Err(StreamError::TokenNotInsured);
    }
    // Effect
    let id = store(e, sender, &p)?;
    // Interaction
    host::transfer(e, &p.token, sender, &this, p.deposit);
    emit_created(e, sender, id, p);
    Ok(id)
}

/// Creates streams funded by `sender` and returns their ids, in order; each id derives from
/// its entry's salt, so two entries with one salt fail with `IdTaken`.
///
/// Deposits are pulled with one token transfer per distinct token, and the insurance contract
/// is asked once per distinct token whether it is insured.
pub fn create_batch(
    e: &Env,
    sender: &Address,
    params: &Vec<StreamParams>,
) -> Result<Vec<u64>, StreamError> {
    // Check
    if params.is_empty() {
        return Err(StreamError::EmptyBatch);
    }
    let config = get_config(e);
    let this = e.current_contract_address();
    // Distinct tokens and their summed deposits, index-aligned.
    let mut tokens: Vec<Address> = Vec::new(e);
    let mut totals: Vec<i128> = Vec::new(e);
    for i in 0..params.len() {
        let p = params.get_unchecked(i);
        validate(e, &this, sender, &p)?;
        let t = match index_of(&tokens, &p.token) {
            Some(t) => t,
            None if is_insured(e, &config.insurance, &p.token) => {
                tokens.push_back(p.token.clone());
                totals.push_back(0);
                tokens.len() - 1
            }
            None => return Err(StreamError::TokenNotInsured),
        };
        let total = totals.get_unchecked(t).checked_add(p.deposit);
        totals.set(t, total.ok_or(StreamError::InvalidDeposit)?);
    }
    // Effect
    let mut ids = Vec::new(e);
    for i in 0..params.len() {
        ids.push_back(store(e, sender, &params.get_unchecked(i))?);
    }
    // Interaction
    for i in 0..tokens.len() {
        let (token, total) = (tokens.get_unchecked(i), totals.get_unchecked(i));
        host::transfer(e, &token, sender, &this, total);
    }
    for i in 0..params.len() {
        emit_created(e, sender, ids.get_unchecked(i), params.get_unchecked(i));
    }
    Ok(ids)
}

/// Withdraws a gross `amount` (`None`: everything withdrawable) to `to`. Returns the net paid.
pub fn withdraw(
    e: &Env,
    id: u64,
    mut s: Stream,
    to: &Address,
    amount: Option<i128>,
) -> Result<i128, StreamError> {
    // Check
    if *to == e.current_contract_address() {
        return Err(StreamError::RecipientIsContract);
    }
    let available = withdrawable(e, &s);
    let amount = match amount {
        Some(a) if a <= 0 => return Err(StreamError::InvalidAmount),
        Some(a) if a > available => return Err(StreamError::AmountExceedsWithdrawable),
        Some(a) => a,
        None if available == 0 => return Err(StreamError::NothingToWithdraw),
        None => available,
    };
    // Effect
    let cum_before = s.withdrawn;
    s.withdrawn += amount;
    storage::set_stream(e, id, &s);
    // Interaction
    let insurance = get_config(e).insurance;
    let net = pay_with_skim(e, &s.token, to, &insurance, cum_before, amount);
    Withdrawn {
        id,
        recipient: s.recipient,
        to: to.clone(),
        amount,
        net,
    }
    .publish(e);
    Ok(net)
}

/// Rejects a stream that a cancel or renounce can no longer apply to.
pub fn ensure_cancelable(e: &Env, s: &Stream) -> Result<(), StreamError> {
    if s.canceled {
        return Err(StreamError::StreamCanceled);
    }
    if !s.cancelable {
        return Err(StreamError::NotCancelable);
    }
    if streamed(e, s) >= s.deposit {
        return Err(StreamError::StreamSettled);
    }
    Ok(())
}

/// Cancels a stream: refunds the unvested part to the sender. Returns the refund.
pub fn cancel(e: &Env, id: u64, mut s: Stream) -> Result<i128, StreamError> {
    // Check
    ensure_cancelable(e, &s)?;
    let refund = s.deposit - streamed(e, &s);
    // Effect
    s.refunded = refund;
    s.canceled = true;
    s.cancelable = false;
    storage::set_stream(e, id, &s);
    // Interaction: the refund goes only to the sender; the recipient pulls later.
    host::transfer(
        e,
        &s.token,
        &e.current_contract_address(),
        &s.sender,
        refund,
    );
    Canceled {
        id,
        sender: s.sender,
        recipient: s.recipient,
        refunded: refund,
    }
    .publish(e);
    Ok(refund)
}

/// Hands the stream to `new_recipient`.
pub fn transfer(
    e: &Env,
    id: u64,
    mut s: Stream,
    new_recipient: &Address,
) -> Result<(), StreamError> {
    // Check
    if !s.transferable {
        return Err(StreamError::NotTransferable);
    }
    if *new_recipient == e.current_contract_address() {
        return Err(StreamError::RecipientIsContract);
    }
    // Effect
    let from = core::mem::replace(&mut s.recipient, new_recipient.clone());
    storage::set_stream(e, id, &s);
    Transferred {
        id,
        from,
        to: new_recipient.clone(),
    }
    .publish(e);
    Ok(())
}
