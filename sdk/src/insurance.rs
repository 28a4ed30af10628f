//! The insurance council's approval hash (docs/PROTOCOL.md, `contracts/insurance`): a member
//! approves `sha256(xdr(ScVal::Vec[insurance contract, id, action, epoch]))`, so an approval
//! can't be replayed on another proposal, contract or council epoch.

use sha2::{Digest, Sha256};
use stellar_xdr::{Limits, ScAddress, WriteXdr};

use crate::{
    generated::insurance::Action,
    scval::{vec_of, ToScVal},
};

/// Seconds between the 5th approval and the earliest execution (14 days).
pub const TIMELOCK_SECONDS: u64 = tributary_rules::council::TIMELOCK;

pub use tributary_rules::council::{APPROVAL_LIFETIME, COUNCIL_SIZE, EXECUTION_WINDOW};

/// The hash a council member approves for proposal `id` with `action` in council `epoch`.
pub fn proposal_hash(insurance: &ScAddress, id: u64, action: &Action, epoch: u32) -> [u8; 32] {
    let preimage = vec_of(vec![
        insurance.to_sc_val(),
        id.to_sc_val(),
        action.to_sc_val(),
        epoch.to_sc_val(),
    ]);
    Sha256::digest(preimage.to_xdr(Limits::none()).unwrap_or_default()).into()
}
