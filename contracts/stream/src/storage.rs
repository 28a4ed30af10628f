//! Storage layout of the stream contract: one key enum, typed accessors.
//!
//! Instance: `tributary_common::config::Config` (the insurance address).
//! Persistent: one entry per stream, stored compactly (`Stored`), extended on every read and write.

use soroban_sdk::{contracttype, Address, Env};
use tributary_common::ttl::{read_persistent, write_persistent};

use crate::errors::StreamError;

/// Storage keys.
#[contracttype]
#[derive(Clone)]
enum DataKey {
    /// Persistent: a stream by id.
    Stream(u64),
}

/// The parameters of one stream in `create_streams`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct StreamParams {
    /// Caller-chosen salt from which the stream's id derives (docs/PROTOCOL.md, "Ids").
    pub salt: u64,
    /// Beneficiary.
    pub recipient: Address,
    /// Token contract address; must be insured.
    pub token: Address,
    /// Amount to escrow, base units, `> 0`.
    pub deposit: i128,
    /// Vesting start, Unix seconds; may be in the past.
    pub start: u64,
    /// Cliff, Unix seconds, `start <= cliff <= end`.
    pub cliff: u64,
    /// Vesting end, Unix seconds, `> start` and `> now`.
    pub end: u64,
    /// Whether the sender may cancel.
    pub cancelable: bool,
    /// Whether the recipient may transfer the stream.
    pub transferable: bool,
}

/// A stream's stored state. Amounts are base units, times Unix seconds.
///
/// Invariant: `withdrawn + refunded <= deposit`; `refunded > 0` only if `canceled`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Stream {
    /// Funder.
    pub sender: Address,
    /// Current beneficiary.
    pub recipient: Address,
    /// Token contract address.
    pub token: Address,
    /// Escrowed amount.
    pub deposit: i128,
    /// Cumulative gross amount withdrawn (skim included).
    pub withdrawn: i128,
    /// Amount refunded to the sender by a cancel.
    pub refunded: i128,
    /// Vesting start.
    pub start: u64,
    /// Cliff: nothing is withdrawable before it.
    pub cliff: u64,
    /// Vesting end.
    pub end: u64,
    /// Whether the sender may still cancel (cleared by renounce and cancel).
    pub cancelable: bool,
    /// Whether the recipient may transfer the stream.
    pub transferable: bool,
    /// Whether the stream was canceled; vesting stopped at that moment.
    pub canceled: bool,
}

/// A stream's lifecycle status, derived from its state and the ledger time.
#[contracttype]
#[derive(Copy, Clone, Debug, Eq, PartialEq)]
#[repr(u32)]
pub enum StreamStatus {
    /// Before `start`.
    Pending = 0,
    /// Vesting, with funds still to vest.
    Streaming = 1,
    /// Fully vested, not fully withdrawn.
    Settled = 2,
    /// Canceled, with a vested part still to withdraw.
    Canceled = 3,
    /// Nothing left to withdraw or refund.
    Depleted = 4,
}

/// How a stream is stored: [`Stream`]'s fields in order as one `ScVec`, with its three flags in
/// one `u32` (bit 0 `cancelable`, bit 1 `transferable`, bit 2 `canceled`). A struct would be
/// stored as an `ScMap` keyed by its twelve field names; this form is 220 bytes smaller, and a
/// persistent entry's rent is paid by size for as long as it lives.
#[contracttype]
#[derive(Clone)]
struct Stored(
    Address,
    Address,
    Address,
    i128,
    i128,
    i128,
    u64,
    u64,
    u64,
    u32,
);

const CANCELABLE: u32 = 1;
const TRANSFERABLE: u32 = 2;
const CANCELED: u32 = 4;

impl From<&Stream> for Stored {
    fn from(s: &Stream) -> Self {
        let flag = |on: bool, bit: u32| if on { bit } else { 0 };
        Stored(
            s.sender.clone(),
            s.recipient.clone(),
            s.token.clone(),
            s.deposit,
            s.withdrawn,
            s.refunded,
            s.start,
            s.cliff,
            s.end,
            flag(s.cancelable, CANCELABLE)
                | flag(s.transferable, TRANSFERABLE)
                | flag(s.canceled, CANCELED),
        )
    }
}

impl From<Stored> for Stream {
    fn from(s: Stored) -> Self {
        let Stored(sender, recipient, token, deposit, withdrawn, refunded, start, cliff, end, f) =
            s;
        Stream {
            sender,
            recipient,
            token,
            deposit,
            withdrawn,
            refunded,
            start,
            cliff,
            end,
            cancelable: f & CANCELABLE != 0,
            transferable: f & TRANSFERABLE != 0,
            canceled: f & CANCELED != 0,
        }
    }
}

/// Reads a stream and extends its TTL.
pub fn get_stream(e: &Env, id: u64) -> Result<Stream, StreamError> {
    read_persistent::<_, Stored>(e, &DataKey::Stream(id))
        .map(Stream::from)
        .ok_or(StreamError::StreamNotFound)
}

/// Whether a stream with `id` exists (the entry is in the footprint either way).
pub fn has_stream(e: &Env, id: u64) -> bool {
    e.storage().persistent().has(&DataKey::Stream(id))
}

/// Writes a stream and extends its TTL.
pub fn set_stream(e: &Env, id: u64, stream: &Stream) {
    write_persistent(e, &DataKey::Stream(id), &Stored::from(stream));
}
