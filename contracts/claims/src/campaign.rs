//! Domain logic of campaigns: leaves and proofs, the claim-key message, and the state
//! transitions. Functions take `e: &Env` first, assume `contract.rs` checked authorization,
//! and mark their steps Check / Effect / Interaction; token transfers come last.

use soroban_sdk::{xdr::ToXdr, Address, Bytes, BytesN, Env};
use tributary_common::{
    config::get_config,
    host::{self, now},
    ids::{derive_id, CAMPAIGN_ID_DOMAIN},
    insurance::is_insured,
    merkle::{self, Sha256},
    skim::pay_with_skim,
};

use crate::{
    errors::ClaimsError,
    events::{CampaignCreated, Claimed, ClawedBack, Revoked},
    storage::{self, Campaign, CampaignStatus, Claimant},
};

/// Domain tag of the claim-key message.
pub const CLAIM_DOMAIN: &[u8] = b"tributary-claim-v1";

/// Deepest proof accepted: 2^32 leaves, more than a `u32` index can address.
pub const MAX_DEPTH: usize = 32;

/// Largest XDR copied into guest memory: an entry with an `Address` claimant is about 100
/// bytes, and the claim message's `(contract, id, index, to)` about 110.
const MAX_ENTRY_XDR: usize = 160;

/// The host's SHA-256, for the shared Merkle rules. Several chunks (only a leaf's prefix and
/// entry) are joined in guest memory and handed to the host once: appending to host `Bytes`
/// would allocate a new object per chunk.
struct HostSha256<'a>(&'a Env);

impl Sha256 for HostSha256<'_> {
    fn sha256(&self, chunks: &[&[u8]]) -> [u8; 32] {
        let data = match chunks {
            [single] => Bytes::from_slice(self.0, single),
            _ => {
                let mut buf = [0u8; 1 + MAX_ENTRY_XDR];
                let mut len = 0;
                for chunk in chunks {
                    buf[len..len + chunk.len()].copy_from_slice(chunk);
                    len += chunk.len();
                }
                Bytes::from_slice(self.0, &buf[..len])
            }
        };
        self.0.crypto().sha256(&data).to_array()
    }
}

/// The message a claim key signs (ed25519): `sha256("tributary-claim-v1" ‖
/// xdr(ScVal::Vec[contract, id, index, to]))`. Binding `to` means a copied transaction can't
/// redirect the payout; binding the contract and campaign means it can't be replayed elsewhere.
pub fn claim_message(e: &Env, contract: &Address, id: u64, index: u32, to: &Address) -> BytesN<32> {
    // Joined in guest memory: a host-side append would need one more host function.
    let fields = (contract.clone(), id, index, to.clone()).to_xdr(e);
    let mut buf = [0u8; CLAIM_DOMAIN.len() + MAX_ENTRY_XDR];
    let len = CLAIM_DOMAIN.len() + fields.len() as usize;
    buf[..CLAIM_DOMAIN.len()].copy_from_slice(CLAIM_DOMAIN);
    fields.copy_into_slice(&mut buf[CLAIM_DOMAIN.len()..len]);
    e.crypto()
        .sha256(&Bytes::from_slice(e, &buf[..len]))
        .to_bytes()
}

/// Checks that entry `(index, claimant, amount)` is in campaign `c`'s tree.
fn verify_entry(
    e: &Env,
    c: &Campaign,
    index: u32,
    claimant: &Claimant,
    amount: i128,
    proof: &Bytes,
) -> Result<(), ClaimsError> {
    let entry = (index, claimant.clone(), amount).to_xdr(e);
    let len = entry.len() as usize;
    if len > MAX_ENTRY_XDR {
        return Err(ClaimsError::InvalidProof);
    }
    let mut buf = [0u8; MAX_ENTRY_XDR];
    entry.copy_into_slice(&mut buf[..len]);
    let h = HostSha256(e);
    let leaf = merkle::leaf(&h, &buf[..len]);
    // The proof is the sibling hashes, 32 bytes each, leaf first: copied in once.
    let len = proof.len() as usize;
    if !len.is_multiple_of(32) || len > 32 * MAX_DEPTH {
        return Err(ClaimsError::InvalidProof);
    }
    let mut path = [0u8; 32 * MAX_DEPTH];
    proof.copy_into_slice(&mut path[..len]);
    if merkle::root_from_concat(&h, leaf, &path[..len]) == c.root.to_array() {
        Ok(())
    } else {
        Err(ClaimsError::InvalidProof)
    }
}

/// Checks an unsettled, in-range entry with a valid proof and enough escrow; returns the
/// bitmap word holding it and its bit.
fn check_entry(
    e: &Env,
    id: u64,
    c: &Campaign,
    index: u32,
    claimant: &Claimant,
    amount: i128,
    proof: &Bytes,
) -> Result<(i128, i128), ClaimsError> {
    if amount <= 0 {
        return Err(ClaimsError::InvalidAmount);
    }
    if index >= c.count {
        return Err(ClaimsError::IndexOutOfRange);
    }
    let (word, bit) = storage::get_settled(e, id, index);
    if word & bit != 0 {
        return Err(ClaimsError::AlreadySettled);
    }
    verify_entry(e, c, index, claimant, amount, proof)?;
    if amount > c.remaining {
        return Err(ClaimsError::InsufficientEscrow);
    }
    Ok((word, bit))
}

/// Fails unless `c` is open for claims: approved, not paused, not clawed back.
pub fn require_active(c: &Campaign) -> Result<(), ClaimsError> {
    match c.status {
        CampaignStatus::Active => Ok(()),
        CampaignStatus::Draft => Err(ClaimsError::CampaignInDraft),
        CampaignStatus::Paused => Err(ClaimsError::CampaignPaused),
        CampaignStatus::ClawedBack => Err(ClaimsError::CampaignClosed),
    }
}

/// Fails unless `c` has not been clawed back.
pub fn require_open(c: &Campaign) -> Result<(), ClaimsError> {
    if c.status == CampaignStatus::ClawedBack {
        Err(ClaimsError::CampaignClosed)
    } else {
        Ok(())
    }
}

/// Creates a campaign funded by `funder`; returns its id.
#[allow(clippy::too_many_arguments)]
pub fn create(
    e: &Env,
    funder: &Address,
    salt: u64,
    token: &Address,
    root: &BytesN<32>,
    total: i128,
    count: u32,
    start: u64,
    expiry: u64,
    approver: &Option<Address>,
) -> Result<u64, ClaimsError> {
    // Check
    if total <= 0 {
        return Err(ClaimsError::InvalidTotal);
    }
    if count == 0 {
        return Err(ClaimsError::InvalidCount);
    }
    if start >= expiry {
        return Err(ClaimsError::StartNotBeforeExpiry);
    }
    if expiry <= now(e) {
        return Err(ClaimsError::ExpiryNotInFuture);
    }
    if approver.as_ref() == Some(funder) {
        return Err(ClaimsError::ApproverIsFunder);
    }
    if !is_insured(e, &get_config(e).insurance, token) {
        return Err(ClaimsError::TokenNotInsured);
    }
    let id = derive_id(e, CAMPAIGN_ID_DOMAIN, funder, salt);
    if storage::has_campaign(e, id) {
        return Err(ClaimsError::IdTaken);
    }
    // Effect
    let status = match approver {
        Some(_) => CampaignStatus::Draft,
        None => CampaignStatus::Active,
    };
    let c = Campaign {
        funder: funder.clone(),
        token: token.clone(),
        root: root.clone(),
        total,
        remaining: total,
        count,
        start,
        expiry,
        approver: approver.clone(),
        status,
    };
    storage::set_campaign(e, id, &c);
    // Interaction
    host::transfer(e, token, funder, &e.current_contract_address(), total);
    CampaignCreated {
        id,
        funder: c.funder,
        token: c.token,
        root: c.root,
        total,
        count,
        start,
        expiry,
        approver: c.approver,
    }
    .publish(e);
    Ok(id)
}

/// Pays entry `index` of campaign `id` to `to`, after `contract.rs` checked who may redirect
/// the payout. Returns the net amount paid.
#[allow(clippy::too_many_arguments)]
pub fn claim(
    e: &Env,
    id: u64,
    mut c: Campaign,
    index: u32,
    claimant: Claimant,
    amount: i128,
    proof: &Bytes,
    to: &Address,
    signature: &Option<BytesN<64>>,
) -> Result<i128, ClaimsError> {
    // Check
    require_active(&c)?;
    let t = now(e);
    if t < c.start {
        return Err(ClaimsError::NotStarted);
    }
    if t >= c.expiry {
        return Err(ClaimsError::CampaignExpired);
    }
    let this = e.current_contract_address();
    if *to == this {
        return Err(ClaimsError::RecipientIsContract);
    }
    let (word, bit) = check_entry(e, id, &c, index, &claimant, amount, proof)?;
    match &claimant {
        Claimant::Address(a) => {
            if a != to {
                a.require_auth();
            }
        }
        Claimant::Key(key) => {
            let sig = signature.as_ref().ok_or(ClaimsError::MissingSignature)?;
            let msg = claim_message(e, &this, id, index, to);
            // Traps with a crypto error if the signature is not over this exact message.
            e.crypto().ed25519_verify(key, &msg.into(), sig);
        }
    }
    // Effect
    storage::set_settled(e, id, index, word | bit);
    c.remaining -= amount;
    storage::set_campaign(e, id, &c);
    // Interaction: each entry is its own position, so its skim is floor(amount * 1%).
    let insurance = get_config(e).insurance;
    let net = pay_with_skim(e, &c.token, to, &insurance, 0, amount);
    Claimed {
        id,
        to: to.clone(),
        index,
        claimant,
        amount,
        net,
    }
    .publish(e);
    Ok(net)
}

/// Voids unclaimed entry `index` and refunds its amount to the funder.
pub fn revoke(
    e: &Env,
    id: u64,
    mut c: Campaign,
    index: u32,
    claimant: &Claimant,
    amount: i128,
    proof: &Bytes,
) -> Result<(), ClaimsError> {
    // Check
    require_open(&c)?;
    let (word, bit) = check_entry(e, id, &c, index, claimant, amount, proof)?;
    // Effect
    storage::set_settled(e, id, index, word | bit);
    c.remaining -= amount;
    storage::set_campaign(e, id, &c);
    // Interaction: a refund to the funder is never skimmed.
    host::transfer(
        e,
        &c.token,
        &e.current_contract_address(),
        &c.funder,
        amount,
    );
    Revoked { id, index, amount }.publish(e);
    Ok(())
}

/// After expiry, returns everything unclaimed to the funder and closes the campaign.
pub fn clawback(e: &Env, id: u64, mut c: Campaign) -> Result<i128, ClaimsError> {
    // Check
    require_open(&c)?;
    if now(e) < c.expiry {
        return Err(ClaimsError::NotExpired);
    }
    // Effect
    let amount = c.remaining;
    c.remaining = 0;
    c.status = CampaignStatus::ClawedBack;
    storage::set_campaign(e, id, &c);
    // Interaction
    if amount > 0 {
        host::transfer(
            e,
            &c.token,
            &e.current_contract_address(),
            &c.funder,
            amount,
        );
    }
    ClawedBack {
        id,
        funder: c.funder,
        amount,
    }
    .publish(e);
    Ok(amount)
}
