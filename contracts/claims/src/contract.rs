//! The claims contract's entry points. Each one extends the instance TTL, checks
//! authorization, then calls the domain logic in `campaign.rs`, which emits the events.
//!
//! Each entry point's `///` summary is published in the contract spec (what wallets and the
//! SDK show). Its `# Errors`, `# Events` and `# Authorization` sections are rustdoc-only
//! (`cfg_attr(doc, ...)`), which keeps several KB of text out of the deployed WASM.

use soroban_sdk::{contract, contractimpl, Address, Bytes, BytesN, Env, Vec};
use tributary_common::{config::init_config, ttl::extend_instance};

use crate::{
    campaign::{self, require_active, require_open},
    errors::ClaimsError,
    events::{CampaignApproved, ExpiryExtended, Paused, Resumed},
    storage::{self, Campaign, CampaignStatus, ClaimRequest, Claimant},
};

/// Escrowed claims: Merkle-rooted campaigns paid out with a 1% skim to insurance.
#[contract]
pub struct ClaimsContract;

#[contractimpl]
impl ClaimsContract {
    /// Deploys the contract bound, immutably, to the insurance contract at `insurance`.
    pub fn __constructor(e: Env, insurance: Address) {
        init_config(&e, insurance);
    }

    /// Escrows `total` base units of `token` from `funder` for `count` entries committed to
    /// by the Merkle `root`, claimable from `start` until `expiry` (Unix seconds). Returns
    /// the campaign id, derived from `funder` and `salt` (docs/PROTOCOL.md, "Ids").
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `salt`: any `u64` the funder has not used with this contract; the SDK picks a random one.
  The id is `u64_be(sha256(\"tributary-campaign-id-v1\" ‖ xdr(this contract) ‖ xdr(funder) ‖
  u64_be(salt))[0..8])`.
- `approver`: if set, the campaign stays `Draft` until this second address approves it.

# Errors
- `InvalidTotal` if `total <= 0`; `InvalidCount` if `count == 0`.
- `StartNotBeforeExpiry` if `start >= expiry`; `ExpiryNotInFuture` if `expiry <= now`.
- `ApproverIsFunder` if `approver == funder`.
- `TokenNotInsured` if the insurance contract does not list `token`.
- `IdTaken` if `funder` already used `salt` here.

# Events
`campaign_created`.

# Authorization
`funder`, for this call and the transfer of `total` into this contract.

# Notes
The contract can't check that the leaves sum to `total`; it tracks the remaining escrow
instead, and a claim that would take it below zero fails."
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn create_campaign(
        e: Env,
        funder: Address,
        salt: u64,
        token: Address,
        root: BytesN<32>,
        total: i128,
        count: u32,
        start: u64,
        expiry: u64,
        approver: Option<Address>,
    ) -> Result<u64, ClaimsError> {
        extend_instance(&e);
        funder.require_auth();
        campaign::create(
            &e, &funder, salt, &token, &root, total, count, start, expiry, &approver,
        )
    }

    /// Opens draft campaign `id`: the second person of the two-person rule.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `NotDraft` if the campaign has no approver or is already open.

# Events
`campaign_approved`.

# Authorization
The campaign's approver."
    )]
    pub fn approve(e: Env, id: u64) -> Result<(), ClaimsError> {
        extend_instance(&e);
        let mut c = storage::get_campaign(&e, id)?;
        let approver = match (&c.approver, c.status) {
            (Some(a), CampaignStatus::Draft) => a.clone(),
            _ => return Err(ClaimsError::NotDraft),
        };
        approver.require_auth();
        c.status = CampaignStatus::Active;
        storage::set_campaign(&e, id, &c);
        CampaignApproved { id, approver }.publish(&e);
        Ok(())
    }

    /// Claims entry `index` of campaign `id` with its Merkle `proof`, paying `amount` minus
    /// the 1% skim to `to`. Returns the net amount paid (base units).
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `claimant`, `amount`: the entry as listed; with `index` they form the leaf.
- `proof`: the Merkle proof, the sibling hashes from the leaf up to the root concatenated,
  32 bytes each (at most 32 of them).
- `signature`: for a `Key` claimant, the ed25519 signature by that key of
  `claim_message(contract, id, index, to)`.

# Errors
- `CampaignNotFound`; `CampaignInDraft`; `CampaignPaused`; `CampaignClosed`.
- `NotStarted` before `start`; `CampaignExpired` at or after `expiry`.
- `RecipientIsContract` if `to` is this contract.
- `InvalidAmount` if `amount <= 0`; `IndexOutOfRange` if `index >= count`.
- `AlreadySettled` if the entry was claimed or revoked.
- `InvalidProof` if the leaf and proof do not reach the root, or the proof's length is not a
  multiple of 32 bytes up to 1,024.
- `InsufficientEscrow` if the remaining escrow is below `amount`.
- `MissingSignature` for a `Key` claimant without a signature. A signature that does not
  verify fails the call with the host's crypto error.

# Events
`claimed`, and `skim_paid` when the skim is non-zero.

# Authorization
`Address(a)`: none when `to == a` (anyone may deliver a claim to its owner), otherwise `a`.
`Key(k)`: none; the signature binds `to`, so a copied transaction can't redirect the funds."
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        e: Env,
        id: u64,
        index: u32,
        claimant: Claimant,
        amount: i128,
        proof: Bytes,
        to: Address,
        signature: Option<BytesN<64>>,
    ) -> Result<i128, ClaimsError> {
        extend_instance(&e);
        let c = storage::get_campaign(&e, id)?;
        campaign::claim(&e, id, c, index, claimant, amount, &proof, &to, &signature)
    }

    /// Claims several entries in one transaction, for relayers; all or nothing. Returns the
    /// total net amount paid (base units); each claim's own net is in its `claimed` event.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`EmptyBatch` for an empty list, and any error of `claim` for an entry.

# Events
Those of each `claim`.

# Authorization
As `claim`, for each entry."
    )]
    pub fn claim_many(e: Env, claims: Vec<ClaimRequest>) -> Result<i128, ClaimsError> {
        extend_instance(&e);
        if claims.is_empty() {
            return Err(ClaimsError::EmptyBatch);
        }
        let mut total = 0;
        for i in 0..claims.len() {
            let r = claims.get_unchecked(i);
            let c = storage::get_campaign(&e, r.id)?;
            let net = campaign::claim(
                &e,
                r.id,
                c,
                r.index,
                r.claimant,
                r.amount,
                &r.proof,
                &r.to,
                &r.signature,
            )?;
            total += net;
        }
        Ok(total)
    }

    /// Pauses claims on campaign `id`.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `CampaignInDraft`; `CampaignPaused` if already paused; `CampaignClosed`.

# Events
`paused`.

# Authorization
The funder."
    )]
    pub fn pause(e: Env, id: u64) -> Result<(), ClaimsError> {
        extend_instance(&e);
        let mut c = storage::get_campaign(&e, id)?;
        c.funder.require_auth();
        require_active(&c)?;
        c.status = CampaignStatus::Paused;
        storage::set_campaign(&e, id, &c);
        Paused { id }.publish(&e);
        Ok(())
    }

    /// Resumes claims on paused campaign `id`.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `NotPaused`.

# Events
`resumed`.

# Authorization
The funder."
    )]
    pub fn resume(e: Env, id: u64) -> Result<(), ClaimsError> {
        extend_instance(&e);
        let mut c = storage::get_campaign(&e, id)?;
        c.funder.require_auth();
        if c.status != CampaignStatus::Paused {
            return Err(ClaimsError::NotPaused);
        }
        c.status = CampaignStatus::Active;
        storage::set_campaign(&e, id, &c);
        Resumed { id }.publish(&e);
        Ok(())
    }

    /// Voids unclaimed entry `index` of campaign `id` and refunds its amount to the funder.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `CampaignClosed`; `InvalidAmount`; `IndexOutOfRange`; `AlreadySettled`
(claimed or already revoked); `InvalidProof`; `InsufficientEscrow`.

# Events
`revoked`.

# Authorization
The funder."
    )]
    pub fn revoke(
        e: Env,
        id: u64,
        index: u32,
        claimant: Claimant,
        amount: i128,
        proof: Bytes,
    ) -> Result<(), ClaimsError> {
        extend_instance(&e);
        let c = storage::get_campaign(&e, id)?;
        c.funder.require_auth();
        campaign::revoke(&e, id, c, index, &claimant, amount, &proof)
    }

    /// After `expiry`, refunds everything unclaimed to the funder and closes campaign `id`.
    /// Returns the refunded amount (base units).
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `CampaignClosed` if already clawed back; `NotExpired` before `expiry`.

# Events
`clawed_back`.

# Authorization
None: anyone may return an expired campaign's funds to its funder."
    )]
    pub fn clawback(e: Env, id: u64) -> Result<i128, ClaimsError> {
        extend_instance(&e);
        let c = storage::get_campaign(&e, id)?;
        campaign::clawback(&e, id, c)
    }

    /// Moves campaign `id`'s expiry later, to `new_expiry` (Unix seconds).
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `CampaignClosed`; `ExpiryNotLater` unless `new_expiry > expiry`.

# Events
`expiry_extended`.

# Authorization
The funder."
    )]
    pub fn extend_expiry(e: Env, id: u64, new_expiry: u64) -> Result<(), ClaimsError> {
        extend_instance(&e);
        let mut c = storage::get_campaign(&e, id)?;
        c.funder.require_auth();
        require_open(&c)?;
        if new_expiry <= c.expiry {
            return Err(ClaimsError::ExpiryNotLater);
        }
        c.expiry = new_expiry;
        storage::set_campaign(&e, id, &c);
        ExpiryExtended {
            id,
            expiry: new_expiry,
        }
        .publish(&e);
        Ok(())
    }

    /// Returns campaign `id` as stored.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`."
    )]
    pub fn get_campaign(e: Env, id: u64) -> Result<Campaign, ClaimsError> {
        extend_instance(&e);
        storage::get_campaign(&e, id)
    }

    /// Whether entry `index` of campaign `id` is settled: claimed or revoked.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`CampaignNotFound`; `IndexOutOfRange` if `index >= count`."
    )]
    pub fn is_claimed(e: Env, id: u64, index: u32) -> Result<bool, ClaimsError> {
        extend_instance(&e);
        let c = storage::get_campaign(&e, id)?;
        if index >= c.count {
            return Err(ClaimsError::IndexOutOfRange);
        }
        let (word, bit) = storage::get_settled(&e, id, index);
        Ok(word & bit != 0)
    }
}
