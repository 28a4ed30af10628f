//! Endpoint administration on the database: register, list, delete, re-enable, dead letters
//! and replay. Every change is one write transaction; the delivery dispatcher is told through
//! the `changes` counter of [`crate::webhooks::deliver::Signals`].

use base64::Engine;
use redb::{ReadableDatabase, ReadableTable};
use serde::Serialize;

use super::{DeadDelivery, Endpoint, Filter, Pending};
use crate::store::{self, get_record, Store, StoreError, OUTBOX, WEBHOOKS, WEBHOOK_DEAD_LETTERS};

/// An endpoint as the API shows it: everything but the secret.
#[derive(Clone, Debug, Serialize)]
pub struct EndpointView {
    /// Id.
    pub id: u64,
    /// Delivery URL.
    pub url: String,
    /// Filter.
    pub filter: Filter,
    /// Registration time, Unix seconds.
    pub created_at: u64,
    /// Why deliveries stopped, if they did.
    pub disabled: Option<String>,
    /// Messages waiting in the outbox.
    pub pending: u64,
    /// Dead letters.
    pub dead_letters: u64,
}

/// A dead letter as the API shows it.
#[derive(Clone, Debug, Serialize)]
pub struct DeadLetterView {
    /// The event id (its cursor).
    pub event_id: String,
    /// The `webhook-id` it was sent with.
    pub message_id: String,
    /// Its record.
    #[serde(flatten)]
    pub delivery: DeadDelivery,
}

/// A new signing secret: `whsec_` + base64 of 24 bytes from the OS's generator, the form
/// Standard Webhooks libraries accept.
///
/// # Errors
/// The OS generator failed.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 24];
    getrandom::fill(&mut b)?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(b)
    ))
}

fn counts(txn: &redb::ReadTransaction, id: u64) -> Result<(u64, u64), StoreError> {
    let outbox = txn.open_table(OUTBOX)?;
    let dead = txn.open_table(WEBHOOK_DEAD_LETTERS)?;
    let n =
        |t: &redb::ReadOnlyTable<(u64, &'static str), &'static [u8]>| -> Result<u64, StoreError> {
            let mut c = 0;
            for row in t.range((id, "")..(id + 1, ""))? {
                row?;
                c += 1;
            }
            Ok(c)
        };
    Ok((n(&outbox)?, n(&dead)?))
}

fn view(txn: &redb::ReadTransaction, ep: Endpoint) -> Result<EndpointView, StoreError> {
    let (pending, dead_letters) = counts(txn, ep.id)?;
    Ok(EndpointView {
        id: ep.id,
        url: ep.url,
        filter: ep.filter,
        created_at: ep.created_at,
        disabled: ep.disabled,
        pending,
        dead_letters,
    })
}

/// Registers an endpoint (the URL already checked by the guard) and returns it, secret
/// included.
///
/// # Errors
/// [`StoreError`].
pub fn create(
    store: &Store,
    url: String,
    filter: Filter,
    secret: String,
) -> Result<Endpoint, StoreError> {
    let txn = store.db.begin_write()?;
    let ep = {
        let mut t = txn.open_table(WEBHOOKS)?;
        let id = t.last()?.map_or(1, |(k, _)| k.value() + 1);
        let ep = Endpoint {
            id,
            url,
            filter,
            secret,
            created_at: super::now_ms() / 1000,
            disabled: None,
            generation: 0,
        };
        t.insert(id, store::to_bytes(&ep).as_slice())?;
        ep
    };
    txn.commit()?;
    Ok(ep)
}

/// Every endpoint, by id.
///
/// # Errors
/// [`StoreError`].
pub fn list(store: &Store) -> Result<Vec<EndpointView>, StoreError> {
    let txn = store.db.begin_read()?;
    let t = txn.open_table(WEBHOOKS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        out.push(view(&txn, store::parse("webhooks", v.value())?)?);
    }
    Ok(out)
}

/// Every endpoint record, secrets included (for the dispatcher).
///
/// # Errors
/// [`StoreError`].
pub fn endpoints(store: &Store) -> Result<Vec<Endpoint>, StoreError> {
    let txn = store.db.begin_read()?;
    let t = txn.open_table(WEBHOOKS)?;
    t.iter()?
        .map(|row| {
            let (_, v) = row?;
            store::parse("webhooks", v.value())
        })
        .collect()
}

/// Endpoint `id`, if registered.
///
/// # Errors
/// [`StoreError`].
pub fn get(store: &Store, id: u64) -> Result<Option<EndpointView>, StoreError> {
    let txn = store.db.begin_read()?;
    let t = txn.open_table(WEBHOOKS)?;
    let ep: Option<Endpoint> = get_record(&t, "webhooks", id)?;
    ep.map(|ep| view(&txn, ep)).transpose()
}

fn remove_range(
    t: &mut redb::Table<'_, (u64, &'static str), &'static [u8]>,
    id: u64,
) -> Result<(), StoreError> {
    t.retain_in((id, "")..(id + 1, ""), |_, _| false)?;
    Ok(())
}

/// Deletes endpoint `id` with its outbox messages and dead letters; `false` if it wasn't
/// registered.
///
/// # Errors
/// [`StoreError`].
pub fn delete(store: &Store, id: u64) -> Result<bool, StoreError> {
    let txn = store.db.begin_write()?;
    let existed = {
        let mut t = txn.open_table(WEBHOOKS)?;
        let existed = t.remove(id)?.is_some();
        remove_range(&mut txn.open_table(OUTBOX)?, id)?;
        remove_range(&mut txn.open_table(WEBHOOK_DEAD_LETTERS)?, id)?;
        existed
    };
    txn.commit()?;
    Ok(existed)
}

/// Changes endpoint `id` in one transaction; `None` if it isn't registered.
fn update(
    store: &Store,
    id: u64,
    f: impl FnOnce(&mut Endpoint, &redb::WriteTransaction) -> Result<(), StoreError>,
) -> Result<Option<Endpoint>, StoreError> {
    let txn = store.db.begin_write()?;
    let ep = {
        let mut t = txn.open_table(WEBHOOKS)?;
        let Some(mut ep) = get_record::<u64, Endpoint>(&t, "webhooks", id)? else {
            return Ok(None);
        };
        f(&mut ep, &txn)?;
        t.insert(id, store::to_bytes(&ep).as_slice())?;
        ep
    };
    txn.commit()?;
    Ok(Some(ep))
}

/// Marks endpoint `id` disabled with `reason` (the dispatcher, after failing too long).
///
/// # Errors
/// [`StoreError`].
pub fn disable(store: &Store, id: u64, reason: String) -> Result<(), StoreError> {
    update(store, id, |ep, _| {
        ep.disabled = Some(reason);
        Ok(())
    })
    .map(|_| ())
}

/// Re-enables endpoint `id`: deliveries resume from its oldest waiting message.
///
/// # Errors
/// [`StoreError`].
pub fn enable(store: &Store, id: u64) -> Result<Option<Endpoint>, StoreError> {
    update(store, id, |ep, _| {
        ep.disabled = None;
        ep.generation += 1;
        Ok(())
    })
}

/// Endpoint `id`'s dead letters, oldest event first, or `None` if it isn't registered.
///
/// # Errors
/// [`StoreError`].
pub fn dead_letters(store: &Store, id: u64) -> Result<Option<Vec<DeadLetterView>>, StoreError> {
    let txn = store.db.begin_read()?;
    if txn.open_table(WEBHOOKS)?.get(id)?.is_none() {
        return Ok(None);
    }
    let t = txn.open_table(WEBHOOK_DEAD_LETTERS)?;
    let mut out = Vec::new();
    for row in t.range((id, "")..(id + 1, ""))? {
        let (k, v) = row?;
        let event_id = k.value().1.to_string();
        out.push(DeadLetterView {
            message_id: super::message_id(id, &event_id),
            event_id,
            delivery: store::parse("webhook_dead_letters", v.value())?,
        });
    }
    Ok(Some(out))
}

/// Moves every dead letter of endpoint `id` back into its outbox with a fresh retry schedule
/// (same `webhook-id`s, so receivers still de-duplicate). Returns how many, or `None` if the
/// endpoint isn't registered.
///
/// # Errors
/// [`StoreError`].
pub fn replay(store: &Store, id: u64) -> Result<Option<usize>, StoreError> {
    let mut moved = 0;
    let ep = update(store, id, |ep, txn| {
        let mut dead = txn.open_table(WEBHOOK_DEAD_LETTERS)?;
        let mut outbox = txn.open_table(OUTBOX)?;
        let mut rows = Vec::new();
        for row in dead.range((id, "")..(id + 1, ""))? {
            let (k, v) = row?;
            let d: DeadDelivery = store::parse("webhook_dead_letters", v.value())?;
            rows.push((k.value().1.to_string(), d));
        }
        for (event_id, d) in &rows {
            let p = Pending {
                kind: d.kind.clone(),
                attempts: 0,
                next_attempt_at_ms: 0,
                enqueued_at_ms: d.enqueued_at_ms,
                last_error: None,
            };
            outbox.insert((id, event_id.as_str()), store::to_bytes(&p).as_slice())?;
        }
        remove_range(&mut dead, id)?;
        moved = rows.len();
        ep.generation += 1;
        Ok(())
    })?;
    Ok(ep.map(|_| moved))
}

/// Messages waiting in the outbox, and the enqueue time (Unix ms) of the oldest: each
/// endpoint's first message (cursor order is commit order), so the cost is one lookup per
/// endpoint, not per message.
///
/// # Errors
/// [`StoreError`].
pub fn queue_depth(db: &impl ReadableDatabase) -> Result<(u64, Option<u64>), StoreError> {
    use redb::ReadableTableMetadata;
    let txn = db.begin_read()?;
    let outbox = txn.open_table(OUTBOX)?;
    let mut oldest: Option<u64> = None;
    for row in txn.open_table(WEBHOOKS)?.iter()? {
        let id = row?.0.value();
        if let Some(first) = outbox.range((id, "")..(id + 1, ""))?.next() {
            let p: Pending = store::parse("outbox", first?.1.value())?;
            oldest = Some(oldest.map_or(p.enqueued_at_ms, |o| o.min(p.enqueued_at_ms)));
        }
    }
    Ok((outbox.len()?, oldest))
}
