//! The stream contract's events. Topics carry the stream id and the parties' addresses.

use soroban_sdk::{contractevent, Address};

/// A stream was created and its deposit escrowed.
/// Topics: `["stream_created", id, sender, recipient]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct StreamCreated {
    /// Stream id.
    #[topic]
    pub id: u64,
    /// Funder of the stream.
    #[topic]
    pub sender: Address,
    /// Beneficiary of the stream.
    #[topic]
    pub recipient: Address,
    /// Token contract address.
    pub token: Address,
    /// Escrowed amount, base units.
    pub deposit: i128,
    /// Vesting start, Unix seconds.
    pub start: u64,
    /// Cliff, Unix seconds.
    pub cliff: u64,
    /// Vesting end, Unix seconds.
    pub end: u64,
    /// Whether the sender may cancel.
    pub cancelable: bool,
    /// Whether the recipient may transfer the stream.
    pub transferable: bool,
}

/// A gross `amount` was withdrawn from a stream; `net` reached `to`, the rest was skimmed.
/// Topics: `["withdrawn", id, recipient]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Withdrawn {
    /// Stream id.
    #[topic]
    pub id: u64,
    /// The stream's recipient at the time of withdrawal.
    #[topic]
    pub recipient: Address,
    /// Where the net amount was paid.
    pub to: Address,
    /// Gross amount withdrawn, base units.
    pub amount: i128,
    /// Net amount paid to `to` (`amount` minus the skim), base units.
    pub net: i128,
}

/// A stream was canceled and its unvested part refunded to the sender.
/// Topics: `["canceled", id, sender, recipient]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Canceled {
    /// Stream id.
    #[topic]
    pub id: u64,
    /// Funder, who received the refund.
    #[topic]
    pub sender: Address,
    /// Beneficiary, who keeps the vested part.
    #[topic]
    pub recipient: Address,
    /// Refunded (unvested) amount, base units.
    pub refunded: i128,
}

/// The sender gave up the right to cancel. Topics: `["renounced", id, sender]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Renounced {
    /// Stream id.
    #[topic]
    pub id: u64,
    /// Funder.
    #[topic]
    pub sender: Address,
}

/// The recipient handed the stream to a new recipient.
/// Topics: `["transferred", id, from, to]`.
#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Transferred {
    /// Stream id.
    #[topic]
    pub id: u64,
    /// Previous recipient.
    #[topic]
    pub from: Address,
    /// New recipient.
    #[topic]
    pub to: Address,
}
