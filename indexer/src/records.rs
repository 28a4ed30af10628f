//! The projections' stored records. Each is stored as MessagePack (`store::to_bytes`) and
//! served as JSON with the same fields, so the API shows exactly what is stored. Amounts are
//! `i128` base units written as decimal strings (JSON numbers lose precision above 2^53);
//! times are Unix seconds; addresses are strkeys (`G…` accounts, `C…` contracts, SEP-23).

use serde::{Deserialize, Serialize};

/// Serde for `i128` amounts as decimal strings.
pub mod amount {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Writes `v` as a decimal string.
    pub fn serialize<S: Serializer>(v: &i128, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&Amount(*v), s)
    }

    /// An amount that serializes as a decimal string (for hand-written serializers).
    pub struct Amount(pub i128);

    impl serde::Serialize for Amount {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            // itoa formats an i128 without `core::fmt`, which showed in the HTTP profile.
            s.serialize_str(itoa::Buffer::new().format(self.0))
        }
    }

    /// Reads a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(D::Error::custom)
    }
}

/// A stream as its events left it (`contracts/stream`). Time-dependent values (status,
/// streamed, withdrawable) are computed at query time by the SDK's `stream_math`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamRecord {
    /// Stream id.
    pub id: u64,
    /// Funder.
    pub sender: String,
    /// Current beneficiary (changed by `transferred`).
    pub recipient: String,
    /// Token contract.
    pub token: String,
    /// Escrowed amount, base units.
    #[serde(with = "amount")]
    pub deposit: i128,
    /// Vesting start, Unix seconds.
    pub start: u64,
    /// Cliff, Unix seconds.
    pub cliff: u64,
    /// Vesting end, Unix seconds.
    pub end: u64,
    /// Whether the sender may still cancel.
    pub cancelable: bool,
    /// Whether the recipient may transfer the stream.
    pub transferable: bool,
    /// Whether the stream was canceled.
    pub canceled: bool,
    /// Cumulative gross withdrawn (skim included), base units.
    #[serde(with = "amount")]
    pub withdrawn: i128,
    /// Refunded to the sender by the cancel, base units.
    #[serde(with = "amount")]
    pub refunded: i128,
    /// Ledger of `stream_created`.
    pub created_ledger: u32,
}

/// A claims campaign as its events left it (`contracts/claims`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRecord {
    /// Campaign id.
    pub id: u64,
    /// Funder.
    pub funder: String,
    /// Token contract.
    pub token: String,
    /// Merkle root, hex.
    pub root: String,
    /// Escrowed total, base units.
    #[serde(with = "amount")]
    pub total: i128,
    /// Number of entries in the list.
    pub count: u32,
    /// Claims open at, Unix seconds.
    pub start: u64,
    /// Claims close (and clawback opens) after, Unix seconds.
    pub expiry: u64,
    /// Second signer of the two-person rule, if any.
    pub approver: Option<String>,
    /// `draft`, `active`, `paused` or `clawed_back` (the contract's `CampaignStatus`).
    pub status: String,
    /// Escrow left: total minus claimed, revoked and clawed back, base units.
    #[serde(with = "amount")]
    pub remaining: i128,
    /// Gross claimed so far, base units.
    #[serde(with = "amount")]
    pub claimed: i128,
    /// Entries claimed so far.
    pub claims: u32,
    /// Entries revoked so far.
    pub revoked: u32,
    /// Ledger of `campaign_created`.
    pub created_ledger: u32,
}

/// One settled entry of a campaign: claimed or revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    /// Campaign id.
    pub campaign: u64,
    /// Entry index in the list.
    pub index: u32,
    /// `claimed` or `revoked`.
    pub status: String,
    /// The claimant: `{"address": "G…"}` or `{"key": "<hex ed25519 public key>"}`; absent
    /// for a revoke (its event doesn't carry it).
    pub claimant: Option<serde_json::Value>,
    /// Paid to (claims only).
    pub to: Option<String>,
    /// Gross entry amount, base units.
    #[serde(with = "amount")]
    pub amount: i128,
    /// Net paid after the 1% skim, base units (0 for a revoke).
    #[serde(with = "amount")]
    pub net: i128,
    /// Ledger of the event.
    pub ledger: u32,
}

/// A creator's tier (`contracts/access`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRecord {
    /// Creator.
    pub creator: String,
    /// Level; a higher level grants every lower one.
    pub level: u32,
    /// Payment token.
    pub token: String,
    /// Price per period, base units.
    #[serde(with = "amount")]
    pub price: i128,
    /// Period, seconds.
    pub period: u64,
    /// Grace after expiry, seconds.
    pub grace: u64,
    /// Bumped by every update.
    pub version: u32,
    /// No new subscriptions once retired.
    pub retired: bool,
}

/// A fan's subscription to a creator, with the terms it was paid at (the contract's
/// `Subscription`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRecord {
    /// Fan.
    pub fan: String,
    /// Creator.
    pub creator: String,
    /// Level.
    pub level: u32,
    /// Token paid in.
    pub token: String,
    /// Price per period paid (snapshot), base units.
    #[serde(with = "amount")]
    pub price: i128,
    /// Period paid (snapshot), seconds.
    pub period: u64,
    /// Grace (snapshot), seconds.
    pub grace: u64,
    /// Tier version paid for.
    pub version: u32,
    /// Paid until, Unix seconds.
    pub expires_at: u64,
    /// Cumulative gross paid by this position, base units (restarts when a lapsed
    /// subscription is paid again).
    #[serde(with = "amount")]
    pub paid: i128,
}

impl SubscriptionRecord {
    /// When a keeper's `renew` starts to charge: `expires_at - min(period / 2, 1 day)`, Unix
    /// seconds (`tributary_rules::access::renewal_opens_at`).
    pub fn renewal_opens_at(&self) -> u64 {
        tributary_rules::access::renewal_opens_at(self.expires_at, self.period)
    }

    /// Whether the subscription is live at `t` (Unix seconds): `t < expires_at + grace`. A
    /// payment to a live one continues its position; otherwise a new one starts
    /// (docs/PROTOCOL.md, access).
    pub fn is_live(&self, t: u64) -> bool {
        t < self.expires_at.saturating_add(self.grace)
    }
}

/// The insurance fund's flows of one asset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRecord {
    /// Asset contract.
    pub asset: String,
    /// Sum of `skim_paid` from the payout contracts, base units.
    #[serde(with = "amount")]
    pub skims_in: i128,
    /// Sum of executed bailouts, base units.
    #[serde(with = "amount")]
    pub bailouts_out: i128,
    /// `skims_in - bailouts_out`, base units.
    #[serde(with = "amount")]
    pub balance: i128,
}

/// An insurance proposal: a bailout, a council change or an asset change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalRecord {
    /// Proposal id.
    pub id: u64,
    /// `bailout`, `council_change` or `asset_change`.
    pub kind: String,
    /// The action's fields, as in its `…_requested` event (amounts as strings).
    pub action: serde_json::Value,
    /// Proposing member.
    pub proposer: String,
    /// Proposed at (the event's ledger close time), Unix seconds.
    pub created_at: u64,
    /// Council epoch the approvals count in.
    pub epoch: u32,
    /// Members who approved in `epoch`, in order.
    pub approvers: Vec<String>,
    /// `pending`, `queued`, `executed`, `canceled` or `expired` as stored; the API reports
    /// `expired` once the contract would.
    pub status: String,
    /// Executable from, Unix seconds (0 until queued).
    pub eta: u64,
}

/// An event whose decoding failed, kept with its raw XDR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The event as the RPC returned it (topics and value as base64 XDR).
    pub event: serde_json::Value,
    /// Why it could not be applied.
    pub error: String,
}

/// Stream status codes in [`crate::store::STREAMS_CLOSED`] (the contract's `StreamStatus`),
/// written by the projections and read by the queries.
pub const CANCELED: u8 = 3;
/// See [`CANCELED`].
pub const DEPLETED: u8 = 4;

/// One event of a creator's subscription history (table `subscription_events`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubEventRecord {
    /// The fan.
    pub fan: String,
    /// The tier's level.
    pub level: u32,
    /// `new` (a first payment, or one after a lapse), `renewed` (a renewal, or a payment
    /// while live), `lapsed` (at the old `expires_at + grace`, recorded when the fan pays
    /// again) or `failed` (`renewal_failed`).
    pub kind: String,
}
