//! Domain logic of proposals: the approval hash, who must approve, the timelock and the
//! execution of each action.
//!
//! Invariant (docs/PROTOCOL.md invariant 5): funds leave only in `execute` of a `Bailout` that
//! gathered every required approval in the current epoch, at `eta <= now <= eta + 14 days`.

use soroban_sdk::{xdr::ToXdr, Address, BytesN, Env, Vec};
use tributary_common::{
    host::{now, transfer, try_balance},
    vec::{contains, index_of, with_replaced},
};

use crate::{
    errors::InsuranceError,
    events::{AssetChanged, BailoutExecuted, CouncilChanged, ProposalApproved, ProposalQueued},
    storage::{self, Action, Proposal, ProposalStatus},
};

pub use tributary_common::council::{APPROVAL_LIFETIME, COUNCIL_SIZE, EXECUTION_WINDOW, TIMELOCK};

/// `sha256(xdr(ScVal::Vec[this contract, id, action, epoch]))`: what a member approves.
///
/// Binding the contract, the id, the full action and the epoch means an approval can't be
/// replayed on another deployment or proposal, and is void once the council rotates.
pub fn proposal_hash(e: &Env, id: u64, action: &Action, epoch: u32) -> BytesN<32> {
    let preimage = (e.current_contract_address(), id, action.clone(), epoch).to_xdr(e);
    e.crypto().sha256(&preimage).to_bytes()
}

/// The fund's balance of `asset`, in base units; 0 for an address that is not a token.
pub fn balance_of(e: &Env, asset: &Address) -> i128 {
    try_balance(e, asset, &e.current_contract_address())
}

/// The council seat (index) of `member`.
pub fn seat_of(council: &Vec<Address>, member: &Address) -> Result<u32, InsuranceError> {
    index_of(council, member).ok_or(InsuranceError::NotMember)
}

/// How many approvals `action` needs, after checking that `member` may approve it. A council
/// change needs the 4 members other than `old`; `old` can't approve it but may veto it
/// (`cancel`), so four members can't unseat a fifth who still holds their key.
pub fn required_approvals(
    council: &Vec<Address>,
    action: &Action,
    member: &Address,
) -> Result<u32, InsuranceError> {
    match action {
        Action::CouncilChange(c) => {
            seat_of(council, &c.old)?;
            if *member == c.old {
                return Err(InsuranceError::NotEligible);
            }
            Ok(COUNCIL_SIZE - 1)
        }
        _ => Ok(COUNCIL_SIZE),
    }
}

/// Whether `p` can no longer be approved or executed: its approvals lapsed before it was
/// queued in the current epoch, or its execution window closed.
pub fn is_expired(e: &Env, p: &Proposal) -> bool {
    let now = now(e);
    match p.status {
        ProposalStatus::Pending => now > p.created_at + APPROVAL_LIFETIME,
        ProposalStatus::Queued if p.epoch != storage::get_epoch(e) => {
            now > p.created_at + APPROVAL_LIFETIME
        }
        ProposalStatus::Queued => now > p.eta + EXECUTION_WINDOW,
        _ => false,
    }
}

/// Fails unless `p` is still open (pending or queued, and not expired).
pub fn require_open(e: &Env, p: &Proposal) -> Result<(), InsuranceError> {
    match p.status {
        ProposalStatus::Pending | ProposalStatus::Queued if !is_expired(e, p) => Ok(()),
        _ => Err(InsuranceError::ProposalClosed),
    }
}

/// Stores a new pending proposal in the current epoch and returns its id.
pub fn create(e: &Env, proposer: &Address, action: Action) -> u64 {
    let id = storage::take_id(e);
    let p = Proposal {
        action,
        proposer: proposer.clone(),
        created_at: now(e),
        epoch: storage::get_epoch(e),
        approvals: 0,
        eta: 0,
        status: ProposalStatus::Pending,
    };
    storage::set_proposal(e, id, &p);
    id
}

/// Records `member`'s approval of proposal `id`; the last required one queues it.
pub fn approve(
    e: &Env,
    member: &Address,
    id: u64,
    hash: &BytesN<32>,
) -> Result<(), InsuranceError> {
    // Check
    let council = storage::get_council(e);
    let seat = seat_of(&council, member)?;
    let mut p = storage::get_proposal(e, id)?;
    let epoch = storage::get_epoch(e);
    if p.epoch != epoch {
        // The council rotated: approvals from the old epoch are void; start over.
        p.epoch = epoch;
        p.approvals = 0;
        if p.status == ProposalStatus::Queued {
            p.status = ProposalStatus::Pending;
            p.eta = 0;
        }
    }
    if p.status != ProposalStatus::Pending {
        return Err(InsuranceError::NotPending);
    }
    let now = now(e);
    if now > p.created_at + APPROVAL_LIFETIME {
        return Err(InsuranceError::ApprovalsLapsed);
    }
    if *hash != proposal_hash(e, id, &p.action, epoch) {
        return Err(InsuranceError::HashMismatch);
    }
    let required = required_approvals(&council, &p.action, member)?;
    let bit = 1u32 << seat;
    if p.approvals & bit != 0 {
        return Err(InsuranceError::AlreadyApproved);
    }
    // Effect
    p.approvals |= bit;
    let approvals = p.approvals.count_ones();
    if approvals == required {
        p.status = ProposalStatus::Queued;
        p.eta = now + TIMELOCK;
    }
    storage::set_proposal(e, id, &p);
    ProposalApproved {
        id,
        member: member.clone(),
        approvals,
    }
    .publish(e);
    if p.status == ProposalStatus::Queued {
        ProposalQueued { id, eta: p.eta }.publish(e);
    }
    Ok(())
}

/// Executes queued proposal `id` inside its window.
pub fn execute(e: &Env, id: u64) -> Result<(), InsuranceError> {
    // Check
    let mut p = storage::get_proposal(e, id)?;
    match p.status {
        ProposalStatus::Queued => {}
        ProposalStatus::Pending => return Err(InsuranceError::NotQueued),
        _ => return Err(InsuranceError::ProposalClosed),
    }
    if p.epoch != storage::get_epoch(e) {
        return Err(InsuranceError::StaleEpoch);
    }
    let now = now(e);
    if now < p.eta {
        return Err(InsuranceError::TimelockActive);
    }
    if now > p.eta + EXECUTION_WINDOW {
        return Err(InsuranceError::ExecutionWindowClosed);
    }
    let this = e.current_contract_address();
    match &p.action {
        Action::Bailout(b) => {
            if balance_of(e, &b.asset) < b.amount {
                return Err(InsuranceError::InsufficientBalance);
            }
            // Effect
            p.status = ProposalStatus::Executed;
            storage::set_proposal(e, id, &p);
            // Interaction
            transfer(e, &b.asset, &this, &b.recipient, b.amount);
            BailoutExecuted {
                id,
                asset: b.asset.clone(),
                recipient: b.recipient.clone(),
                amount: b.amount,
            }
            .publish(e);
        }
        Action::CouncilChange(c) => {
            let council = storage::get_council(e);
            let seat = seat_of(&council, &c.old)?;
            if contains(&council, &c.new) {
                return Err(InsuranceError::AlreadyMember);
            }
            // Effect: the epoch bump voids every pending approval.
            storage::set_council(e, &with_replaced(e, &council, seat, Some(&c.new)));
            let epoch = storage::get_epoch(e) + 1;
            storage::set_epoch(e, epoch);
            p.status = ProposalStatus::Executed;
            storage::set_proposal(e, id, &p);
            CouncilChanged {
                id,
                old: c.old.clone(),
                new: c.new.clone(),
                epoch,
            }
            .publish(e);
        }
        Action::AssetChange(a) => {
            let mut assets = storage::get_assets(e);
            match (a.insured, index_of(&assets, &a.asset)) {
                (true, Some(_)) => return Err(InsuranceError::AssetAlreadyInsured),
                (false, None) => return Err(InsuranceError::AssetNotInsured),
                (true, None) => assets.push_back(a.asset.clone()),
                // A removal needs no zero balance: what the fund holds stays payable by bailouts.
                (false, Some(i)) => assets = with_replaced(e, &assets, i, None),
            }
            // Effect
            storage::set_assets(e, &assets);
            p.status = ProposalStatus::Executed;
            storage::set_proposal(e, id, &p);
            AssetChanged {
                id,
                asset: a.asset.clone(),
                insured: a.insured,
            }
            .publish(e);
        }
    }
    Ok(())
}
