//! Position ids (docs/PROTOCOL.md, Shared rules, "Ids"):
//! `id = u64_be(sha256(domain ‖ xdr(contract) ‖ xdr(creator) ‖ u64_be(salt))[0..8])`, where
//! `xdr(·)` is the XDR of the address as an `ScVal` and `domain` is one of these ASCII strings.

/// Domain string of stream ids.
pub const STREAM_ID_DOMAIN: &[u8] = b"tributary-stream-id-v1";
/// Domain string of campaign ids.
pub const CAMPAIGN_ID_DOMAIN: &[u8] = b"tributary-campaign-id-v1";
