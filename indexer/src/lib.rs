//! # tributary-indexer
//!
//! Follows the four Tributary contracts' events through Stellar RPC `getEvents`, decodes
//! them with the SDK's generated decoders, applies them to projections in an embedded redb
//! database, and serves the projections over HTTP.
//!
//! - [`ingest`]: the follower (paging, retries, retention-gap halts) and the writer
//!   (exactly-once application: the cursor commits with the projections);
//! - [`apply`]: the projection rules, one per event;
//! - [`store`]: the tables and the schema check; [`records`]: the stored records;
//! - [`query`] and [`api`]: reads and the axum routes (`/openapi.json` describes them);
//! - [`ops`]: backup, restore and verify; [`http_server`]: connection limits and timeouts;
//!   [`service`]: everything started together;
//! - [`creator_history`]: a creator's history for the revenue forecast
//!   (`tributary-forecast`), served by `api::forecast`;
//! - [`webhooks`]: endpoints, the transactional outbox, signed delivery with retries; the
//!   live feed is `api::feed`.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::panic))]

pub mod api;
pub mod apply;
pub mod creator_history;
pub mod fund;
pub mod http_server;
pub mod ingest;
pub mod metrics;
pub mod ops;
pub mod progress;
pub mod query;
pub mod records;
pub mod scval_json;
pub mod service;
pub mod store;
pub mod webhooks;
