//! Tributary's insurance treasury (docs/PROTOCOL.md, `contracts/insurance`).
//!
//! It holds the 1% skims of every payout, per asset, and the protocol's asset allowlist.
//! Nothing leaves it except through a proposal: a bailout or an asset change needs all 5
//! council members, a council change needs the 4 members other than the one replaced. Every
//! approval is bound by hash to the proposal and the council `epoch`, and a full set of
//! approvals only queues the proposal: it executes after a 14-day timelock, within a 14-day
//! window. There is no admin, no override and no upgrade.
#![no_std]

mod contract;
mod errors;
mod events;
mod proposal;
mod storage;

pub use contract::{InsuranceContract, InsuranceContractClient};
pub use errors::InsuranceError;
pub use events::{
    AssetChangeRequested, AssetChanged, BailoutExecuted, BailoutRequested, CouncilChangeRequested,
    CouncilChanged, ProposalApproved, ProposalCanceled, ProposalExpired, ProposalQueued,
};
pub use proposal::{APPROVAL_LIFETIME, COUNCIL_SIZE, EXECUTION_WINDOW, TIMELOCK};
pub use storage::{Action, AssetChange, Bailout, CouncilChange, Proposal, ProposalStatus};
