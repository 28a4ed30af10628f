//! Applies decoded events to the projections, inside the caller's write transaction. The
//! rules mirror the contracts' own state changes (docs/PROTOCOL.md); where an event leaves a
//! value implicit (a subscription's snapshotted terms, a proposal's creation time) it is
//! taken from the projection of the tier or from the event's ledger close time, exactly
//! what the contract read at that moment.

use redb::{Table, WriteTransaction};
use serde_json::json;
use tributary_sdk::{
    events::TributaryEvent,
    generated::{
        access::AccessEvent,
        claims::{Claimant, ClaimsEvent},
        insurance::InsuranceEvent,
        stream::StreamEvent,
    },
};

use crate::{
    records::{
        AssetRecord, CampaignRecord, ClaimRecord, ProposalRecord, StreamRecord, SubEventRecord,
        SubscriptionRecord, TierRecord,
    },
    store::{self, get_record, to_bytes, StoreError},
};

/// Where an event sits on the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventMeta {
    /// RPC event id (SEP-35 TOID of ledger, transaction, operation, then the event index);
    /// its string order is the chain order.
    pub id: String,
    /// Ledger sequence.
    pub ledger: u32,
    /// The ledger's close time, Unix seconds: the contract's `now` when it emitted this.
    pub closed_at: u64,
}

pub use crate::records::{CANCELED, DEPLETED};

/// Every projection table, opened once per write transaction.
pub struct Tables<'t> {
    pub(crate) meta: Table<'t, &'static str, &'static [u8]>,
    pub(crate) events: Table<'t, &'static str, &'static [u8]>,
    pub(crate) dead_letters: Table<'t, &'static str, &'static [u8]>,
    streams: Table<'t, u64, &'static [u8]>,
    by_sender: Table<'t, (&'static str, u64), &'static [u8]>,
    by_recipient: Table<'t, (&'static str, u64), &'static [u8]>,
    open: Table<'t, (u64, u64), ()>,
    closed: Table<'t, (u8, u64), ()>,
    history: Table<'t, (&'static str, &'static str), ()>,
    campaigns: Table<'t, u64, &'static [u8]>,
    claims: Table<'t, (u64, u32), &'static [u8]>,
    claims_by_recipient: Table<'t, (&'static str, u64, u32), ()>,
    tiers: Table<'t, (&'static str, u32), &'static [u8]>,
    subs: Table<'t, (&'static str, &'static str), &'static [u8]>,
    subs_by_creator: Table<'t, (&'static str, &'static str), ()>,
    subs_due: Table<'t, (u64, &'static str, &'static str), ()>,
    sub_events: Table<'t, (&'static str, u64, &'static str), &'static [u8]>,
    assets: Table<'t, &'static str, &'static [u8]>,
    proposals: Table<'t, u64, &'static [u8]>,
    /// The webhook outbox, written with the projections (see [`crate::webhooks`]).
    pub(crate) outbox: Table<'t, (u64, &'static str), &'static [u8]>,
    /// The webhook endpoints receiving new events, as of this transaction.
    pub(crate) endpoints: Vec<crate::webhooks::Endpoint>,
}

impl<'t> Tables<'t> {
    /// Opens every table in `txn`.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub fn open(txn: &'t WriteTransaction) -> Result<Self, StoreError> {
        Ok(Self {
            meta: txn.open_table(store::META)?,
            events: txn.open_table(store::EVENTS)?,
            dead_letters: txn.open_table(store::DEAD_LETTERS)?,
            streams: txn.open_table(store::STREAMS)?,
            by_sender: txn.open_table(store::STREAMS_BY_SENDER)?,
            by_recipient: txn.open_table(store::STREAMS_BY_RECIPIENT)?,
            open: txn.open_table(store::STREAMS_OPEN)?,
            closed: txn.open_table(store::STREAMS_CLOSED)?,
            history: txn.open_table(store::HISTORY)?,
            campaigns: txn.open_table(store::CAMPAIGNS)?,
            claims: txn.open_table(store::CLAIMS)?,
            claims_by_recipient: txn.open_table(store::CLAIMS_BY_RECIPIENT)?,
            tiers: txn.open_table(store::TIERS)?,
            subs: txn.open_table(store::SUBSCRIPTIONS)?,
            subs_by_creator: txn.open_table(store::SUBSCRIPTIONS_BY_CREATOR)?,
            subs_due: txn.open_table(store::SUBSCRIPTIONS_DUE)?,
            sub_events: txn.open_table(store::SUBSCRIPTION_EVENTS)?,
            assets: txn.open_table(store::INSURANCE_ASSETS)?,
            proposals: txn.open_table(store::PROPOSALS)?,
            outbox: txn.open_table(store::OUTBOX)?,
            endpoints: crate::webhooks::active(&txn.open_table(store::WEBHOOKS)?)?,
        })
    }
}

/// Why an event could not be applied; the ingester dead-letters it and goes on.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The event refers to a position no earlier event created (e.g. a withdrawal of an
    /// unknown stream): the indexer started after it, or the event is forged.
    #[error("{0} not found in the projections")]
    Unknown(String),
    /// The event itself is unusable: bad XDR, an unknown shape or a bad timestamp.
    #[error("{0}")]
    Invalid(String),
    /// The database failed; ingestion must stop.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<redb::StorageError> for ApplyError {
    fn from(e: redb::StorageError) -> Self {
        Self::Store(e.into())
    }
}

fn history(t: &mut Tables, entity: &str, m: &EventMeta) -> Result<(), ApplyError> {
    t.history.insert((entity, m.id.as_str()), ())?;
    Ok(())
}

/// Applies one decoded event.
///
/// # Errors
/// [`ApplyError::Unknown`] and [`ApplyError::Invalid`] leave the tables unchanged;
/// [`ApplyError::Store`] is fatal.
pub fn apply(t: &mut Tables, m: &EventMeta, e: &TributaryEvent) -> Result<(), ApplyError> {
    match e {
        TributaryEvent::Stream(e) => stream(t, m, e),
        TributaryEvent::Claims(e) => claims(t, m, e),
        TributaryEvent::Access(e) => access(t, m, e),
        TributaryEvent::Insurance(e) => insurance(t, m, e),
    }
}

fn get<'k, K: redb::Key + 'static, T: serde::de::DeserializeOwned>(
    table: &Table<K, &'static [u8]>,
    name: &'static str,
    key: impl std::borrow::Borrow<K::SelfType<'k>>,
    what: impl FnOnce() -> String,
) -> Result<T, ApplyError> {
    get_record(table, name, key)?.ok_or_else(|| ApplyError::Unknown(what()))
}

fn skim(t: &mut Tables, asset: String, amount: i128) -> Result<(), ApplyError> {
    add_flow(t, asset, amount, 0)
}

/// Adds to an asset's skims in and bailouts out. Tokens sent to the fund by plain transfers
/// emit no Tributary event, so `balance` counts only these two flows.
fn add_flow(t: &mut Tables, asset: String, skims: i128, bailouts: i128) -> Result<(), ApplyError> {
    let mut a: AssetRecord = get_record(&t.assets, "insurance_assets", asset.as_str())?
        .unwrap_or_else(|| AssetRecord {
            asset: asset.clone(),
            ..Default::default()
        });
    a.skims_in += skims;
    a.bailouts_out += bailouts;
    a.balance += skims - bailouts;
    t.assets.insert(asset.as_str(), to_bytes(&a).as_slice())?;
    Ok(())
}

/// Re-files a stream in the open/closed status indexes after a change.
fn put_stream(
    t: &mut Tables,
    old: Option<&StreamRecord>,
    s: &StreamRecord,
) -> Result<(), ApplyError> {
    let place = |s: &StreamRecord| {
        if s.withdrawn + s.refunded >= s.deposit {
            Err(DEPLETED)
        } else if s.canceled {
            Err(CANCELED)
        } else {
            Ok(s.end)
        }
    };
    if let Some(old) = old {
        match place(old) {
            Ok(end) => t.open.remove((end, old.id))?,
            Err(code) => t.closed.remove((code, old.id))?,
        };
        if old.recipient != s.recipient {
            t.by_recipient.remove((old.recipient.as_str(), old.id))?;
        }
    }
    match place(s) {
        Ok(end) => t.open.insert((end, s.id), ())?,
        Err(code) => t.closed.insert((code, s.id), ())?,
    };
    let bytes = to_bytes(s);
    t.by_recipient
        .insert((s.recipient.as_str(), s.id), bytes.as_slice())?;
    t.by_sender
        .insert((s.sender.as_str(), s.id), bytes.as_slice())?;
    t.streams.insert(s.id, bytes.as_slice())?;
    Ok(())
}

fn stream(t: &mut Tables, m: &EventMeta, e: &StreamEvent) -> Result<(), ApplyError> {
    let id = match e {
        StreamEvent::SkimPaid(s) => return skim(t, s.asset.to_string(), s.amount),
        StreamEvent::StreamCreated(c) => {
            let s = StreamRecord {
                id: c.id,
                sender: c.sender.to_string(),
                recipient: c.recipient.to_string(),
                token: c.token.to_string(),
                deposit: c.deposit,
                start: c.start,
                cliff: c.cliff,
                end: c.end,
                cancelable: c.cancelable,
                transferable: c.transferable,
                canceled: false,
                withdrawn: 0,
                refunded: 0,
                created_ledger: m.ledger,
            };
            put_stream(t, None, &s)?;
            c.id
        }
        StreamEvent::Withdrawn(w) => update_stream(t, w.id, |s| s.withdrawn += w.amount)?,
        StreamEvent::Canceled(c) => update_stream(t, c.id, |s| {
            s.canceled = true;
            s.cancelable = false;
            s.refunded = c.refunded;
        })?,
        StreamEvent::Renounced(r) => update_stream(t, r.id, |s| s.cancelable = false)?,
        StreamEvent::Transferred(x) => update_stream(t, x.id, |s| s.recipient = x.to.to_string())?,
    };
    history(t, &format!("stream:{id}"), m)
}

fn update_stream(
    t: &mut Tables,
    id: u64,
    f: impl FnOnce(&mut StreamRecord),
) -> Result<u64, ApplyError> {
    let old: StreamRecord = get(&t.streams, "streams", id, || format!("stream {id}"))?;
    let mut s = old.clone();
    f(&mut s);
    put_stream(t, Some(&old), &s)?;
    Ok(id)
}

fn claimant_json(c: &Claimant) -> serde_json::Value {
    match c {
        Claimant::Address(a) => json!({ "address": a.to_string() }),
        Claimant::Key(k) => json!({ "key": hex::encode(k) }),
    }
}

fn claims(t: &mut Tables, m: &EventMeta, e: &ClaimsEvent) -> Result<(), ApplyError> {
    let id = match e {
        ClaimsEvent::SkimPaid(s) => return skim(t, s.asset.to_string(), s.amount),
        ClaimsEvent::CampaignCreated(c) => {
            let r = CampaignRecord {
                id: c.id,
                funder: c.funder.to_string(),
                token: c.token.to_string(),
                root: hex::encode(c.root),
                total: c.total,
                count: c.count,
                start: c.start,
                expiry: c.expiry,
                approver: c.approver.as_ref().map(ToString::to_string),
                status: if c.approver.is_some() {
                    "draft"
                } else {
                    "active"
                }
                .into(),
                remaining: c.total,
                claimed: 0,
                claims: 0,
                revoked: 0,
                created_ledger: m.ledger,
            };
            t.campaigns.insert(c.id, to_bytes(&r).as_slice())?;
            c.id
        }
        ClaimsEvent::CampaignApproved(a) => {
            update_campaign(t, a.id, |c| c.status = "active".into())?
        }
        ClaimsEvent::Paused(p) => update_campaign(t, p.id, |c| c.status = "paused".into())?,
        ClaimsEvent::Resumed(r) => update_campaign(t, r.id, |c| c.status = "active".into())?,
        ClaimsEvent::ExpiryExtended(x) => update_campaign(t, x.id, |c| c.expiry = x.expiry)?,
        ClaimsEvent::ClawedBack(x) => update_campaign(t, x.id, |c| {
            c.status = "clawed_back".into();
            c.remaining -= x.amount;
        })?,
        ClaimsEvent::Claimed(c) => {
            update_campaign(t, c.id, |r| {
                r.remaining -= c.amount;
                r.claimed += c.amount;
                r.claims += 1;
            })?;
            let to = c.to.to_string();
            let r = ClaimRecord {
                campaign: c.id,
                index: c.index,
                status: "claimed".into(),
                claimant: Some(claimant_json(&c.claimant)),
                to: Some(to.clone()),
                amount: c.amount,
                net: c.net,
                ledger: m.ledger,
            };
            t.claims.insert((c.id, c.index), to_bytes(&r).as_slice())?;
            t.claims_by_recipient
                .insert((to.as_str(), c.id, c.index), ())?;
            c.id
        }
        ClaimsEvent::Revoked(x) => {
            update_campaign(t, x.id, |r| {
                r.remaining -= x.amount;
                r.revoked += 1;
            })?;
            let r = ClaimRecord {
                campaign: x.id,
                index: x.index,
                status: "revoked".into(),
                claimant: None,
                to: None,
                amount: x.amount,
                net: 0,
                ledger: m.ledger,
            };
            t.claims.insert((x.id, x.index), to_bytes(&r).as_slice())?;
            x.id
        }
    };
    history(t, &format!("campaign:{id}"), m)
}

fn access(t: &mut Tables, m: &EventMeta, e: &AccessEvent) -> Result<(), ApplyError> {
    let entity = match e {
        AccessEvent::SkimPaid(s) => return skim(t, s.asset.to_string(), s.amount),
        AccessEvent::TierSet(x) => {
            let creator = x.creator.to_string();
            let r = TierRecord {
                creator: creator.clone(),
                level: x.level,
                token: x.token.to_string(),
                price: x.price,
                period: x.period,
                grace: x.grace,
                version: x.version,
                retired: false,
            };
            t.tiers
                .insert((creator.as_str(), x.level), to_bytes(&r).as_slice())?;
            format!("tier:{creator}:{}", x.level)
        }
        AccessEvent::TierRetired(x) => {
            let creator = x.creator.to_string();
            let mut r = tier(t, &creator, x.level)?;
            r.retired = true;
            t.tiers
                .insert((creator.as_str(), x.level), to_bytes(&r).as_slice())?;
            format!("tier:{creator}:{}", x.level)
        }
        AccessEvent::Subscribed(x) => {
            let (fan, creator) = (x.fan.to_string(), x.creator.to_string());
            let tier = tier(t, &creator, x.level)?;
            let prev: Option<SubscriptionRecord> =
                get_record(&t.subs, "subscriptions", (fan.as_str(), creator.as_str()))?;
            // The skim basis carries over while the subscription is live.
            let carried = prev
                .as_ref()
                .filter(|p| p.is_live(m.closed_at))
                .map_or(0, |p| p.paid);
            let r = SubscriptionRecord {
                fan: fan.clone(),
                creator: creator.clone(),
                level: x.level,
                token: tier.token,
                price: tier.price,
                period: tier.period,
                grace: tier.grace,
                version: tier.version,
                expires_at: x.expires_at,
                paid: carried + x.amount,
            };
            put_subscription(t, &r, prev.as_ref())?;
            payment_event(t, m, &creator, &fan, prev.as_ref(), x.level)?;
            format!("subscription:{fan}:{creator}")
        }
        AccessEvent::Renewed(x) => {
            let (fan, creator) = (x.fan.to_string(), x.creator.to_string());
            let key = (fan.as_str(), creator.as_str());
            let prev: SubscriptionRecord = get(&t.subs, "subscriptions", key, || {
                format!("subscription {fan} → {creator}")
            })?;
            let mut r = prev.clone();
            let tier = tier(t, &creator, r.level)?;
            if !r.is_live(m.closed_at) {
                r.paid = 0; // renewed after it lapsed: a new position
            }
            r.price = tier.price;
            r.period = tier.period;
            r.grace = tier.grace;
            r.version = tier.version;
            r.expires_at = x.expires_at;
            r.paid += x.amount;
            put_subscription(t, &r, Some(&prev))?;
            payment_event(t, m, &creator, &fan, Some(&prev), r.level)?;
            format!("subscription:{fan}:{creator}")
        }
        AccessEvent::RenewalFailed(x) => {
            let (fan, creator) = (x.fan.to_string(), x.creator.to_string());
            let level = get_record::<_, SubscriptionRecord>(
                &t.subs,
                "subscriptions",
                (fan.as_str(), creator.as_str()),
            )?
            .map_or(0, |s| s.level);
            sub_event(t, &creator, m.closed_at, &m.id, &fan, level, "failed")?;
            format!("subscription:{fan}:{creator}")
        }
        AccessEvent::Upgraded(x) => format!("subscription:{}:{}", x.fan, x.creator),
    };
    history(t, &entity, m)
}

/// Records a payment in `creator`'s subscription history: `renewed` while `prev` is live, else
/// `new`, after the `lapsed` of `prev` at its `expires_at + grace`.
fn payment_event(
    t: &mut Tables,
    m: &EventMeta,
    creator: &str,
    fan: &str,
    prev: Option<&SubscriptionRecord>,
    level: u32,
) -> Result<(), ApplyError> {
    let kind = match prev {
        Some(p) if p.is_live(m.closed_at) => "renewed",
        Some(p) => {
            let lapsed_at = p.expires_at.saturating_add(p.grace);
            let id = format!("{}-lapse", m.id);
            sub_event(t, creator, lapsed_at, &id, fan, p.level, "lapsed")?;
            "new"
        }
        None => "new",
    };
    sub_event(t, creator, m.closed_at, &m.id, fan, level, kind)
}

/// Records one event of `creator`'s subscription history.
fn sub_event(
    t: &mut Tables,
    creator: &str,
    at: u64,
    id: &str,
    fan: &str,
    level: u32,
    kind: &str,
) -> Result<(), ApplyError> {
    let r = SubEventRecord {
        fan: fan.to_string(),
        level,
        kind: kind.to_string(),
    };
    t.sub_events
        .insert((creator, at, id), to_bytes(&r).as_slice())?;
    Ok(())
}

/// Writes `r` with its creator index and its place in the renewal index (replacing `prev`'s).
fn put_subscription(
    t: &mut Tables,
    r: &SubscriptionRecord,
    prev: Option<&SubscriptionRecord>,
) -> Result<(), ApplyError> {
    let (fan, creator) = (r.fan.as_str(), r.creator.as_str());
    if let Some(p) = prev {
        t.subs_due.remove((p.renewal_opens_at(), fan, creator))?;
    }
    t.subs_due
        .insert((r.renewal_opens_at(), fan, creator), ())?;
    t.subs.insert((fan, creator), to_bytes(r).as_slice())?;
    t.subs_by_creator.insert((creator, fan), ())?;
    Ok(())
}

fn tier(t: &Tables, creator: &str, level: u32) -> Result<TierRecord, ApplyError> {
    get(&t.tiers, "tiers", (creator, level), || {
        format!("tier {level} of {creator}")
    })
}

fn epoch(t: &Tables) -> Result<u32, ApplyError> {
    Ok(store::meta_get(&t.meta, store::meta_key::EPOCH)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0))
}

fn insurance(t: &mut Tables, m: &EventMeta, e: &InsuranceEvent) -> Result<(), ApplyError> {
    let proposed = |t: &Tables, id, kind: &str, proposer: String, action| {
        Ok::<_, ApplyError>(ProposalRecord {
            id,
            kind: kind.into(),
            action,
            proposer,
            created_at: m.closed_at,
            epoch: epoch(t)?,
            approvers: Vec::new(),
            status: "pending".into(),
            eta: 0,
        })
    };
    let id = match e {
        InsuranceEvent::SkimPaid(s) => return skim(t, s.asset.to_string(), s.amount),
        InsuranceEvent::BailoutRequested(x) => {
            let action = json!({
                "asset": x.asset.to_string(),
                "amount": x.amount.to_string(),
                "recipient": x.recipient.to_string(),
                "reason": hex::encode(x.reason),
            });
            let p = proposed(t, x.id, "bailout", x.proposer.to_string(), action)?;
            t.proposals.insert(x.id, to_bytes(&p).as_slice())?;
            x.id
        }
        InsuranceEvent::CouncilChangeRequested(x) => {
            let action = json!({ "old": x.old.to_string(), "new": x.new.to_string() });
            let p = proposed(t, x.id, "council_change", x.proposer.to_string(), action)?;
            t.proposals.insert(x.id, to_bytes(&p).as_slice())?;
            x.id
        }
        InsuranceEvent::AssetChangeRequested(x) => {
            let action = json!({ "asset": x.asset.to_string(), "insured": x.insured });
            let p = proposed(t, x.id, "asset_change", x.proposer.to_string(), action)?;
            t.proposals.insert(x.id, to_bytes(&p).as_slice())?;
            x.id
        }
        InsuranceEvent::ProposalApproved(x) => {
            let current = epoch(t)?;
            update_proposal(t, x.id, |p| {
                // The first approval in a new epoch starts a fresh set and un-queues.
                if p.epoch != current {
                    p.epoch = current;
                    p.approvers.clear();
                    p.status = "pending".into();
                }
                p.approvers.push(x.member.to_string());
            })?
        }
        InsuranceEvent::ProposalQueued(x) => update_proposal(t, x.id, |p| {
            p.status = "queued".into();
            p.eta = x.eta;
        })?,
        InsuranceEvent::ProposalCanceled(x) => {
            update_proposal(t, x.id, |p| p.status = "canceled".into())?
        }
        InsuranceEvent::ProposalExpired(x) => {
            update_proposal(t, x.id, |p| p.status = "expired".into())?
        }
        InsuranceEvent::BailoutExecuted(x) => {
            let asset = x.asset.to_string();
            let id = update_proposal(t, x.id, |p| p.status = "executed".into())?;
            add_flow(t, asset, 0, x.amount)?;
            id
        }
        InsuranceEvent::CouncilChanged(x) => {
            t.meta
                .insert(store::meta_key::EPOCH, x.epoch.to_string().as_bytes())?;
            update_proposal(t, x.id, |p| p.status = "executed".into())?
        }
        InsuranceEvent::AssetChanged(x) => {
            update_proposal(t, x.id, |p| p.status = "executed".into())?
        }
    };
    history(t, &format!("proposal:{id}"), m)
}

/// Reads record `id` of `table`, changes it with `f`, writes it back; returns `id`.
fn update<T: serde::Serialize + serde::de::DeserializeOwned>(
    table: &mut Table<u64, &'static [u8]>,
    name: &'static str,
    what: &str,
    id: u64,
    f: impl FnOnce(&mut T),
) -> Result<u64, ApplyError> {
    let mut r: T = get(table, name, id, || format!("{what} {id}"))?;
    f(&mut r);
    table.insert(id, to_bytes(&r).as_slice())?;
    Ok(id)
}

fn update_campaign(
    t: &mut Tables,
    id: u64,
    f: impl FnOnce(&mut CampaignRecord),
) -> Result<u64, ApplyError> {
    update(&mut t.campaigns, "campaigns", "campaign", id, f)
}

fn update_proposal(
    t: &mut Tables,
    id: u64,
    f: impl FnOnce(&mut ProposalRecord),
) -> Result<u64, ApplyError> {
    update(&mut t.proposals, "proposals", "proposal", id, f)
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
