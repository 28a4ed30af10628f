//! The insurance contract's entry points. Each one extends the instance TTL, checks
//! authorization and membership, then calls the domain logic in `proposal.rs`.
//!
//! Each entry point's `///` summary is published in the contract spec (what wallets and the
//! SDK show). Its `# Errors`, `# Events` and `# Authorization` sections are rustdoc-only
//! (`cfg_attr(doc, ...)`), which keeps several KB of text out of the deployed WASM.

use soroban_sdk::{contract, contractimpl, Address, BytesN, Env, Vec};
use tributary_common::{
    ttl::extend_instance,
    vec::{contains, has_duplicates},
};

use crate::{
    errors::InsuranceError,
    events::{
        AssetChangeRequested, BailoutRequested, CouncilChangeRequested, ProposalCanceled,
        ProposalExpired,
    },
    proposal::{self, balance_of, require_open, seat_of, COUNCIL_SIZE},
    storage::{self, Action, AssetChange, Bailout, CouncilChange, Proposal, ProposalStatus},
};

/// The insurance treasury: receives skims, pays bailouts after 5-of-5 approval and a timelock.
#[contract]
pub struct InsuranceContract;

#[contractimpl]
impl InsuranceContract {
    /// Deploys the fund with its council and its initial asset allowlist.
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `council`: exactly 5 distinct member addresses.
- `assets`: distinct token contract addresses to insure (for example XLM and USDC SACs).

# Errors
- `InvalidCouncil` unless `council` has exactly 5 distinct members.
- `DuplicateAsset` if `assets` repeats an address."
    )]
    pub fn __constructor(
        e: Env,
        council: Vec<Address>,
        assets: Vec<Address>,
    ) -> Result<(), InsuranceError> {
        if council.len() != COUNCIL_SIZE || has_duplicates(&council) {
            return Err(InsuranceError::InvalidCouncil);
        }
        if has_duplicates(&assets) {
            return Err(InsuranceError::DuplicateAsset);
        }
        storage::set_council(&e, &council);
        storage::set_assets(&e, &assets);
        storage::set_epoch(&e, 0);
        Ok(())
    }

    /// Proposes paying `amount` base units of `asset` to `recipient`; returns the proposal id.
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `reason`: an off-chain reference, for example the sha256 of an incident report.

# Errors
`NotMember`; `InvalidAmount` if `amount <= 0`; `InsufficientBalance` if the fund holds
less than `amount` of `asset` (listed or not: what the fund holds stays payable); `InvalidRecipient` if
`recipient` is this contract.

# Events
`bailout_requested`.

# Authorization
`member`.

# Notes
Proposing is not approving: the proposer approves like every other member."
    )]
    pub fn propose_bailout(
        e: Env,
        member: Address,
        asset: Address,
        amount: i128,
        recipient: Address,
        reason: BytesN<32>,
    ) -> Result<u64, InsuranceError> {
        extend_instance(&e);
        member.require_auth();
        seat_of(&storage::get_council(&e), &member)?;
        if amount <= 0 {
            return Err(InsuranceError::InvalidAmount);
        }
        if recipient == e.current_contract_address() {
            return Err(InsuranceError::InvalidRecipient);
        }
        if balance_of(&e, &asset) < amount {
            return Err(InsuranceError::InsufficientBalance);
        }
        let bailout = Bailout {
            asset: asset.clone(),
            amount,
            recipient: recipient.clone(),
            reason: reason.clone(),
        };
        let id = proposal::create(&e, &member, Action::Bailout(bailout));
        BailoutRequested {
            id,
            proposer: member,
            asset,
            amount,
            recipient,
            reason,
        }
        .publish(&e);
        Ok(id)
    }

    /// Approves proposal `id`. The last required approval queues it with
    /// `eta = now + 14 days`.
    #[cfg_attr(
        doc,
        doc = "
# Arguments
- `proposal_hash`: `sha256(xdr(ScVal::Vec[this contract, id, action, epoch]))`, computed
  by the member's wallet from the proposal it reviewed and the current `epoch()`.

# Errors
- `NotMember`; `ProposalNotFound`.
- `NotPending` if the proposal is queued, executed, canceled or expired.
- `ApprovalsLapsed` more than 30 days after the proposal was made.
- `HashMismatch` if the hash is not that of this proposal in the current epoch.
- `NotEligible` if `member` is the `old` of a council change; `NotMember` if that
  `old` is no longer on the council.
- `AlreadyApproved` for a second approval by the same member in the same epoch.

# Events
`proposal_approved`, then `proposal_queued` when it completes the set.

# Authorization
`member`.

# Notes
After a council rotation, approvals from the previous epoch are void: the first
approval in the new epoch starts a fresh set (and un-queues a queued proposal)."
    )]
    pub fn approve(
        e: Env,
        member: Address,
        id: u64,
        proposal_hash: BytesN<32>,
    ) -> Result<(), InsuranceError> {
        extend_instance(&e);
        member.require_auth();
        proposal::approve(&e, &member, id, &proposal_hash)
    }

    /// Executes queued proposal `id`: pays the bailout, rotates the council seat (bumping
    /// `epoch`) or changes the asset allowlist.
    #[cfg_attr(
        doc,
        doc = "
# Errors
- `ProposalNotFound`; `NotQueued` if approvals are missing; `ProposalClosed` if already
  executed, canceled or expired.
- `StaleEpoch` if the council rotated after it was queued.
- `TimelockActive` before `eta`; `ExecutionWindowClosed` after `eta + 14 days`.
- Bailout: `InsufficientBalance` if the fund holds less than the amount now.
- Council change: `NotMember` if `old` already left; `AlreadyMember` if `new` joined.
- Asset change: `AssetAlreadyInsured`, `AssetNotInsured`.

# Events
`bailout_executed`, `council_changed` or `asset_changed`.

# Authorization
None: anyone may execute a proposal that is due."
    )]
    pub fn execute(e: Env, id: u64) -> Result<(), InsuranceError> {
        extend_instance(&e);
        proposal::execute(&e, id)
    }

    /// Vetoes proposal `id` before it is executed.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`NotMember`; `ProposalNotFound`; `ProposalClosed` if executed, canceled or expired.

# Events
`proposal_canceled`.

# Authorization
`member`."
    )]
    pub fn cancel(e: Env, member: Address, id: u64) -> Result<(), InsuranceError> {
        extend_instance(&e);
        member.require_auth();
        let council = storage::get_council(&e);
        seat_of(&council, &member)?;
        let mut p = storage::get_proposal(&e, id)?;
        // Any current member may veto, including the `old` of a council change: a lost key
        // can't veto (the lost-key path still works), a stolen one can block but never pay.
        require_open(&e, &p)?;
        p.status = ProposalStatus::Canceled;
        storage::set_proposal(&e, id, &p);
        ProposalCanceled { id, member }.publish(&e);
        Ok(())
    }

    /// Records that proposal `id` expired: its approvals lapsed (30 days after creation)
    /// before it was queued in the current epoch, or its execution window closed.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`ProposalNotFound`; `ProposalClosed` if executed, canceled or already expired;
`NotExpired` if it can still be approved or executed.

# Events
`proposal_expired`.

# Authorization
None: anyone may record an expiry. `proposal(id)` reports `Expired` either way."
    )]
    pub fn expire(e: Env, id: u64) -> Result<(), InsuranceError> {
        extend_instance(&e);
        let mut p = storage::get_proposal(&e, id)?;
        if !matches!(p.status, ProposalStatus::Pending | ProposalStatus::Queued) {
            return Err(InsuranceError::ProposalClosed);
        }
        if !proposal::is_expired(&e, &p) {
            return Err(InsuranceError::NotExpired);
        }
        p.status = ProposalStatus::Expired;
        storage::set_proposal(&e, id, &p);
        ProposalExpired { id }.publish(&e);
        Ok(())
    }

    /// Proposes replacing council member `old` by `new`; returns the proposal id. It needs
    /// the approvals of the 4 members other than `old`, then the 14-day timelock; executing it
    /// bumps `epoch`, which voids every pending approval. This is how a lost key is replaced.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`NotMember` if `member` or `old` is not on the council; `AlreadyMember` if `new` is.

# Events
`council_change_requested`.

# Authorization
`member`."
    )]
    pub fn propose_council_change(
        e: Env,
        member: Address,
        old: Address,
        new: Address,
    ) -> Result<u64, InsuranceError> {
        extend_instance(&e);
        member.require_auth();
        let council = storage::get_council(&e);
        seat_of(&council, &member)?;
        seat_of(&council, &old)?;
        if contains(&council, &new) {
            return Err(InsuranceError::AlreadyMember);
        }
        let change = CouncilChange {
            old: old.clone(),
            new: new.clone(),
        };
        let id = proposal::create(&e, &member, Action::CouncilChange(change));
        CouncilChangeRequested {
            id,
            proposer: member,
            old,
            new,
        }
        .publish(&e);
        Ok(id)
    }

    /// Proposes adding (`insured = true`) or removing `asset` from the allowlist; returns the
    /// proposal id. Needs 5-of-5 approval and the 14-day timelock.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`NotMember`; `AssetAlreadyInsured` when adding a listed asset; `AssetNotInsured` when
removing an unlisted one. A removal needs no zero balance: it stops new positions in the
asset, and what the fund holds of it stays payable by bailouts.

# Events
`asset_change_requested`.

# Authorization
`member`."
    )]
    pub fn propose_asset_change(
        e: Env,
        member: Address,
        asset: Address,
        insured: bool,
    ) -> Result<u64, InsuranceError> {
        extend_instance(&e);
        member.require_auth();
        seat_of(&storage::get_council(&e), &member)?;
        match (insured, contains(&storage::get_assets(&e), &asset)) {
            (true, true) => return Err(InsuranceError::AssetAlreadyInsured),
            (false, false) => return Err(InsuranceError::AssetNotInsured),
            _ => {}
        }
        let change = AssetChange {
            asset: asset.clone(),
            insured,
        };
        let id = proposal::create(&e, &member, Action::AssetChange(change));
        AssetChangeRequested {
            id,
            proposer: member,
            asset,
            insured,
        }
        .publish(&e);
        Ok(id)
    }

    /// Whether `asset` is on the allowlist. Never fails.
    pub fn is_insured(e: Env, asset: Address) -> bool {
        extend_instance(&e);
        contains(&storage::get_assets(&e), &asset)
    }

    /// The insured token contract addresses.
    pub fn assets(e: Env) -> Vec<Address> {
        extend_instance(&e);
        storage::get_assets(&e)
    }

    /// The 5 council members.
    pub fn council(e: Env) -> Vec<Address> {
        extend_instance(&e);
        storage::get_council(&e)
    }

    /// The council epoch: starts at 0, bumped by every executed council change.
    pub fn epoch(e: Env) -> u32 {
        extend_instance(&e);
        storage::get_epoch(&e)
    }

    /// Proposal `id`, with `status` reported as `Expired` once it can no longer be approved
    /// or executed, even before anyone calls `expire`.
    #[cfg_attr(
        doc,
        doc = "
# Errors
`ProposalNotFound`."
    )]
    pub fn proposal(e: Env, id: u64) -> Result<Proposal, InsuranceError> {
        extend_instance(&e);
        let mut p = storage::get_proposal(&e, id)?;
        if proposal::is_expired(&e, &p) {
            p.status = ProposalStatus::Expired;
        }
        Ok(p)
    }

    /// The fund's balance of `asset`, in base units (the token's `balance` of this contract).
    pub fn balance(e: Env, asset: Address) -> i128 {
        extend_instance(&e);
        balance_of(&e, &asset)
    }
}
