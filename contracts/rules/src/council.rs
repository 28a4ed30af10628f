//! The insurance council's size and timing (docs/PROTOCOL.md, `contracts/insurance`). Times are
//! seconds of ledger time.

const DAY: u64 = 86_400;

/// Council size: every bailout and asset change needs all of them.
pub const COUNCIL_SIZE: u32 = 5;
/// Delay between the last approval and the earliest execution: 14 days.
pub const TIMELOCK: u64 = 14 * DAY;
/// How long a queued proposal stays executable after its `eta`: 14 days.
pub const EXECUTION_WINDOW: u64 = 14 * DAY;
/// How long after its creation a proposal can gather approvals: 30 days.
pub const APPROVAL_LIFETIME: u64 = 30 * DAY;
