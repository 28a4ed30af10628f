//! The stream contract's commands and docs/PROTOCOL.md invariants 1–4:
//!
//! 1. Conservation: the contract's balance of each token equals the sum over its streams of
//!    `deposit - withdrawn - refunded`.
//! 2. No one is paid more than vested: `withdrawn <= streamed`, and recipients plus insurance
//!    received exactly `withdrawn`.
//! 3. Insurance holds exactly `sum(floor(withdrawn_i / 100))`: 1% of each stream's cumulative
//!    gross payout, and nothing else.
//! 4. `streamed` never decreases and never exceeds `deposit`; `withdrawable >= 0`.
//!
//! Every call's outcome is also predicted by a plain model of the rules.

use arbitrary::Arbitrary;
use soroban_sdk::{testutils::Address as _, Address};
use tributary_fixture::{Fixture, UNIT};
use tributary_stream::{StreamError, StreamParams, StreamStatus};

use crate::{check, check_eq, within, Violation};

/// One action on the stream contract. Raw fields are mapped into ranges by [`Command::normalized`].
#[derive(Arbitrary, Clone, Debug)]
pub enum Command {
    /// Create a stream from the sender.
    Create {
        /// USDC instead of XLM.
        usdc: bool,
        /// Deposit, in `1..=1_000_000 × UNIT`.
        deposit: i128,
        /// Start relative to now, seconds, in `-500..500`.
        start_offset: i64,
        /// Cliff as a percentage of the duration, `0..=100`.
        cliff_pct: u64,
        /// Duration, seconds, `1..2_000`.
        duration: u64,
        /// Whether the sender may cancel.
        cancelable: bool,
        /// Whether the recipient may transfer.
        transferable: bool,
    },
    /// Withdraw a percentage (`0..=120`) of what is withdrawable, to the recipient or another.
    Withdraw {
        /// Which stream.
        stream: u8,
        /// Percentage of what is available.
        amount_pct: u64,
        /// Pay another address.
        to_other: bool,
    },
    /// Withdraw everything withdrawable, to the recipient or (authorized by it) another.
    WithdrawMax {
        /// Which stream.
        stream: u8,
        /// Pay another address.
        to_other: bool,
    },
    /// Cancel.
    Cancel {
        /// Which stream.
        stream: u8,
    },
    /// Renounce the right to cancel.
    Renounce {
        /// Which stream.
        stream: u8,
    },
    /// Transfer to the same recipient (refused for a non-transferable stream).
    Transfer {
        /// Which stream.
        stream: u8,
    },
    /// Read `status` and `refundable` and compare them with the model.
    Views {
        /// Which stream.
        stream: u8,
    },
    /// Create 1–3 streams in one `create_streams` call.
    Batch {
        /// How many (mod 3, plus 1).
        count: u8,
    },
    /// A call with one invalid argument (kind mod 14); it must fail with its own error.
    Invalid {
        /// Which argument is wrong.
        kind: u8,
    },
    /// Let time pass, `0..800` seconds.
    Jump {
        /// Seconds.
        seconds: u64,
    },
}

impl Command {
    /// The command with its raw values mapped into their ranges.
    pub fn normalized(self) -> Self {
        match self {
            Command::Create {
                usdc,
                deposit,
                start_offset,
                cliff_pct,
                duration,
                cancelable,
                transferable,
            } => Command::Create {
                usdc,
                deposit: 1 + deposit.rem_euclid(1_000_000 * UNIT),
                start_offset: start_offset.rem_euclid(1_000) - 500,
                cliff_pct: cliff_pct % 101,
                duration: within(duration, 1, 1_999),
                cancelable,
                transferable,
            },
            Command::Withdraw {
                stream,
                amount_pct,
                to_other,
            } => Command::Withdraw {
                stream: stream % 8,
                amount_pct: amount_pct % 121,
                to_other,
            },
            Command::WithdrawMax { stream, to_other } => Command::WithdrawMax {
                stream: stream % 8,
                to_other,
            },
            Command::Cancel { stream } => Command::Cancel { stream: stream % 8 },
            Command::Renounce { stream } => Command::Renounce { stream: stream % 8 },
            Command::Transfer { stream } => Command::Transfer { stream: stream % 8 },
            Command::Views { stream } => Command::Views { stream: stream % 8 },
            Command::Batch { count } => Command::Batch {
                count: 1 + count % 3,
            },
            Command::Invalid { kind } => Command::Invalid { kind: kind % 14 },
            Command::Jump { seconds } => Command::Jump {
                seconds: seconds % 800,
            },
        }
    }
}

/// The model's view of one stream.
struct Model {
    usdc: bool,
    deposit: i128,
    start: u64,
    cliff: u64,
    end: u64,
    withdrawn: i128,
    refunded: i128,
    cancelable: bool,
    transferable: bool,
    canceled: bool,
    last_streamed: i128,
}

/// The contract error of a failed `try_` call, if it failed with one.
fn error_of<T, C>(
    r: Result<Result<T, C>, Result<StreamError, soroban_sdk::InvokeError>>,
) -> Option<StreamError> {
    r.err().and_then(Result::ok)
}

impl Model {
    fn status(&self, now: u64) -> StreamStatus {
        if self.withdrawn + self.refunded >= self.deposit {
            StreamStatus::Depleted
        } else if self.canceled {
            StreamStatus::Canceled
        } else if now < self.start {
            StreamStatus::Pending
        } else if self.vested(now) >= self.deposit {
            StreamStatus::Settled
        } else {
            StreamStatus::Streaming
        }
    }

    fn vested(&self, now: u64) -> i128 {
        if self.canceled {
            return self.deposit - self.refunded;
        }
        if now < self.cliff {
            0
        } else if now >= self.end {
            self.deposit
        } else {
            // deposit <= 10^13 and duration < 2^11: the product fits i128.
            self.deposit * i128::from(now - self.start) / i128::from(self.end - self.start)
        }
    }
}

pub fn run(commands: &[Command]) -> Result<(), Violation> {
    let f = Fixture::create();
    let sender = f.funded(&f.xlm, i128::MAX / 4);
    f.usdc.admin.mint(&sender, &(i128::MAX / 4));
    let recipient = Address::generate(&f.env);
    let other = Address::generate(&f.env);
    let mut streams: Vec<(u64, Model)> = Vec::new();
    let mut paid_out = [0i128; 2];
    // Salts in creation order: every valid create uses a fresh one.
    let salts = std::cell::Cell::new(0u64);
    let next_salt = || {
        salts.set(salts.get() + 1);
        salts.get()
    };
    // The salt of the latest stream that was created: its id exists.
    let mut taken: Option<u64> = None;
    for command in commands {
        let now = f.now();
        let before = streams.len();
        let mut scope = Scope::default();
        match command.clone().normalized() {
            Command::Create {
                usdc,
                deposit,
                start_offset,
                cliff_pct,
                duration,
                cancelable,
                transferable,
            } => {
                let start = now.saturating_add_signed(start_offset);
                let end = start + duration;
                let cliff = start + duration * cliff_pct / 100;
                let token = if usdc { &f.usdc.id } else { &f.xlm.id };
                let r = f.stream.try_create_stream(
                    &sender,
                    &next_salt(),
                    &recipient,
                    token,
                    &deposit,
                    &start,
                    &cliff,
                    &end,
                    &cancelable,
                    &transferable,
                );
                if end <= now {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::EndNotInFuture)),
                        "model: create with end <= now"
                    );
                } else {
                    let id = r.unwrap().unwrap();
                    taken = Some(salts.get());
                    scope.token = Some(usdc);
                    streams.push((
                        id,
                        Model {
                            usdc,
                            deposit,
                            start,
                            cliff,
                            end,
                            withdrawn: 0,
                            refunded: 0,
                            cancelable,
                            transferable,
                            canceled: false,
                            last_streamed: 0,
                        },
                    ));
                }
            }
            Command::Withdraw {
                stream,
                amount_pct,
                to_other,
            } => {
                let Some((id, m)) = streams.get_mut(stream as usize) else {
                    continue;
                };
                let available = m.vested(now) - m.withdrawn;
                // Up to 120% of what is available, so over-draws are exercised too.
                let amount =
                    available * i128::from(amount_pct) / 100 + i128::from(amount_pct > 100);
                let to = if to_other { &other } else { &recipient };
                scope.touch(stream, m.usdc, true);
                let r = f.stream.try_withdraw(id, to, &amount);
                if amount <= 0 {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::InvalidAmount)),
                        "model: withdraw of nothing"
                    );
                } else if amount > available {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::AmountExceedsWithdrawable)),
                        "invariant 2: an over-draw"
                    );
                } else {
                    check!(r.is_ok(), "model: an allowed withdrawal failed");
                    m.withdrawn += amount;
                    paid_out[usize::from(m.usdc)] += amount;
                }
            }
            Command::WithdrawMax { stream, to_other } => {
                let Some((id, m)) = streams.get_mut(stream as usize) else {
                    continue;
                };
                let available = m.vested(now) - m.withdrawn;
                let to = if to_other { &other } else { &recipient };
                scope.touch(stream, m.usdc, true);
                let r = f.stream.try_withdraw_max(id, to);
                if available == 0 {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::NothingToWithdraw)),
                        "model: withdraw_max of nothing"
                    );
                } else {
                    check!(r.is_ok(), "model: an allowed withdrawal failed");
                    m.withdrawn += available;
                    paid_out[usize::from(m.usdc)] += available;
                }
            }
            Command::Cancel { stream } => {
                let Some((id, m)) = streams.get_mut(stream as usize) else {
                    continue;
                };
                scope.touch(stream, m.usdc, false);
                let r = f.stream.try_cancel(id);
                let vested = m.vested(now);
                if m.canceled {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::StreamCanceled)),
                        "model: cancel twice"
                    );
                } else if !m.cancelable {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::NotCancelable)),
                        "model: cancel of a non-cancelable stream"
                    );
                } else if vested == m.deposit {
                    check_eq!(
                        r,
                        Err(Ok(StreamError::StreamSettled)),
                        "model: cancel of a settled stream"
                    );
                } else {
                    check_eq!(
                        r,
                        Ok(Ok(m.deposit - vested)),
                        "invariant 1: the cancel refund"
                    );
                    m.refunded = m.deposit - vested;
                    m.canceled = true;
                    m.cancelable = false;
                }
            }
            Command::Renounce { stream } => {
                let Some((id, m)) = streams.get_mut(stream as usize) else {
                    continue;
                };
                scope.touch(stream, m.usdc, false);
                if f.stream.try_renounce(id).is_ok() {
                    check!(
                        m.cancelable && !m.canceled && m.vested(now) < m.deposit,
                        "model: renounce allowed"
                    );
                    m.cancelable = false;
                }
            }
            Command::Transfer { stream } => {
                let Some((id, m)) = streams.get(stream as usize) else {
                    continue;
                };
                // Transfer to the same recipient: allowed if transferable, changes nothing
                // observable here.
                scope.touch(stream, m.usdc, false);
                let r = f.stream.try_transfer(id, &recipient);
                if m.transferable {
                    check!(r.is_ok(), "model: a transferable stream's transfer failed");
                } else {
                    check_eq!(
                        error_of(r),
                        Some(StreamError::NotTransferable),
                        "model: transfer of a non-transferable stream"
                    );
                }
            }
            Command::Views { stream } => {
                let Some((id, m)) = streams.get(stream as usize) else {
                    continue;
                };
                scope.touch(stream, m.usdc, false);
                let status: StreamStatus = f.stream.status(id);
                check_eq!(status, m.status(now), "model: status");
                let refundable = if m.cancelable && !m.canceled {
                    m.deposit - m.vested(now)
                } else {
                    0
                };
                check_eq!(
                    f.stream.refundable(id),
                    refundable,
                    "invariant 1: refundable is the unvested escrow"
                );
            }
            Command::Batch { count } => {
                let deposit = 10 * UNIT;
                let p = |salt: u64| StreamParams {
                    salt,
                    recipient: recipient.clone(),
                    token: f.xlm.id.clone(),
                    deposit,
                    start: now,
                    cliff: now,
                    end: now + 1_000,
                    cancelable: true,
                    transferable: true,
                };
                let params: std::vec::Vec<StreamParams> =
                    (0..count).map(|_| p(next_salt())).collect();
                let params = soroban_sdk::Vec::from_slice(&f.env, &params);
                let ids = f.stream.try_create_streams(&sender, &params);
                let Ok(Ok(ids)) = ids else {
                    return Err(format!("model: a valid batch failed: {ids:?}"));
                };
                check_eq!(ids.len(), u32::from(count), "model: one id per stream");
                taken = Some(salts.get());
                scope.token = Some(false);
                for id in ids.iter() {
                    streams.push((
                        id,
                        Model {
                            usdc: false,
                            deposit,
                            start: now,
                            cliff: now,
                            end: now + 1_000,
                            withdrawn: 0,
                            refunded: 0,
                            cancelable: true,
                            transferable: true,
                            canceled: false,
                            last_streamed: 0,
                        },
                    ));
                }
            }
            Command::Invalid { kind } => {
                let (token, good) = (&f.xlm.id, (now, now + 10, now + 100));
                let create = |deposit: i128,
                              to: &Address,
                              token: &Address,
                              (start, cliff, end): (u64, u64, u64)| {
                    f.stream.try_create_stream(
                        &sender,
                        &u64::MAX, // never a valid create's salt: no id is taken
                        to,
                        token,
                        &deposit,
                        &start,
                        &cliff,
                        &end,
                        &true,
                        &true,
                    )
                };
                let got = match kind {
                    0 => error_of(create(0, &recipient, token, good)),
                    1 => error_of(create(UNIT, &recipient, token, (now + 5, now + 5, now + 5))),
                    2 => error_of(create(
                        UNIT,
                        &recipient,
                        token,
                        (now + 5, now + 4, now + 100),
                    )),
                    3 => error_of(create(UNIT, &recipient, token, (now, now + 101, now + 100))),
                    4 => error_of(create(
                        UNIT,
                        &recipient,
                        token,
                        (now.saturating_sub(100), now.saturating_sub(100), now),
                    )),
                    5 => error_of(create(UNIT, &sender, token, good)),
                    6 => error_of(create(UNIT, &f.stream.address, token, good)),
                    7 => {
                        let uninsured = f
                            .env
                            .register_stellar_asset_contract_v2(Address::generate(&f.env))
                            .address();
                        error_of(create(UNIT, &recipient, &uninsured, good))
                    }
                    8 => error_of(f.stream.try_withdraw(&u64::MAX, &recipient, &1)),
                    10 => {
                        let uninsured = f
                            .env
                            .register_stellar_asset_contract_v2(Address::generate(&f.env))
                            .address();
                        let p = StreamParams {
                            salt: u64::MAX,
                            recipient: recipient.clone(),
                            token: uninsured,
                            deposit: UNIT,
                            start: now,
                            cliff: now,
                            end: now + 100,
                            cancelable: true,
                            transferable: true,
                        };
                        error_of(
                            f.stream
                                .try_create_streams(&sender, &soroban_sdk::vec![&f.env, p]),
                        )
                    }
                    11 => match streams.first() {
                        Some((id, _)) => error_of(f.stream.try_withdraw(id, &f.stream.address, &1)),
                        None => continue,
                    },
                    13 => match taken {
                        None => continue,
                        Some(used) => error_of(f.stream.try_create_stream(
                            &sender, &used, &recipient, token, &UNIT, &good.0, &good.1, &good.2,
                            &true, &true,
                        )),
                    },
                    9 => match streams.iter().find(|(_, m)| m.transferable) {
                        Some((id, _)) => error_of(f.stream.try_transfer(id, &f.stream.address)),
                        None => continue,
                    },
                    _ => error_of(
                        f.stream
                            .try_create_streams(&sender, &soroban_sdk::Vec::new(&f.env)),
                    ),
                };
                let expected = [
                    StreamError::InvalidDeposit,
                    StreamError::StartNotBeforeEnd,
                    StreamError::CliffBeforeStart,
                    StreamError::CliffAfterEnd,
                    StreamError::EndNotInFuture,
                    StreamError::SenderIsRecipient,
                    StreamError::RecipientIsContract,
                    StreamError::TokenNotInsured,
                    StreamError::StreamNotFound,
                    StreamError::RecipientIsContract,
                    StreamError::TokenNotInsured,
                    StreamError::RecipientIsContract,
                    StreamError::EmptyBatch,
                    StreamError::IdTaken,
                ][usize::from(kind)];
                check_eq!(
                    got,
                    Some(expected),
                    "each invalid argument has its own error"
                );
            }
            Command::Jump { seconds } => {
                f.jump(seconds);
                scope.jumped = true;
            }
        }
        scope.streams.extend(before..streams.len());
        check_invariants(&f, &mut streams, paid_out, &recipient, &other, &scope)?;
    }
    check_invariants(&f, &mut streams, paid_out, &recipient, &other, &Scope::ALL)
}

/// What the check after a command reads: what the command may have changed. A stream's stored
/// amounts change only when a command names it (or creates it), and its `streamed` only then or
/// with time; value moves only in the named stream's token. A failed call changes nothing: the
/// host rolls it back. Every input ends with a check of everything, so a command that changes
/// more than it names is still caught. One contract call costs the fuzz target about 15 µs;
/// reading every stream after every command was nine tenths of its time.
#[derive(Default)]
struct Scope {
    /// Indices of the streams a command named or created.
    streams: Vec<usize>,
    /// The token value moved in, if any: `true` for USDC.
    token: Option<bool>,
    /// Whether a payout went to the recipient or the other address.
    paid: bool,
    /// Whether time moved: every stream's `streamed` is read.
    jumped: bool,
    /// Everything.
    all: bool,
}

impl Scope {
    const ALL: Scope = Scope {
        streams: Vec::new(),
        token: None,
        paid: true,
        jumped: true,
        all: true,
    };

    fn touch(&mut self, stream: u8, usdc: bool, paid: bool) {
        self.streams.push(usize::from(stream));
        self.token = Some(usdc);
        self.paid = paid;
    }
}

fn check_invariants(
    f: &Fixture,
    streams: &mut [(u64, Model)],
    paid_out: [i128; 2],
    recipient: &Address,
    other: &Address,
    scope: &Scope,
) -> Result<(), Violation> {
    let now = f.now();
    let mut escrow = [0i128; 2];
    let mut skims = [0i128; 2];
    for (i, (id, m)) in streams.iter_mut().enumerate() {
        // Conservation and skims are summed from the model's own ledger of each stream.
        escrow[usize::from(m.usdc)] += m.deposit - m.withdrawn - m.refunded;
        skims[usize::from(m.usdc)] += m.withdrawn / 100;
        let named = scope.all || scope.streams.contains(&i);
        if !named && !scope.jumped {
            continue;
        }
        let streamed = f.stream.streamed(id);
        check_eq!(
            streamed,
            m.vested(now),
            "invariant 4: streamed follows the vesting formula"
        );
        check!(
            streamed >= m.last_streamed && streamed <= m.deposit,
            "invariant 4: streamed is monotonic and bounded"
        );
        m.last_streamed = streamed;
        if named {
            let s = f.stream.get_stream(id);
            check_eq!(
                (s.deposit, s.withdrawn, s.refunded),
                (m.deposit, m.withdrawn, m.refunded),
                "invariant 2: stored amounts"
            );
            check!(
                f.stream.withdrawable(id) >= 0 && s.withdrawn <= streamed,
                "invariants 2 and 4: withdrawable >= 0, withdrawn <= streamed"
            );
        }
    }
    for (i, asset) in [&f.xlm, &f.usdc].into_iter().enumerate() {
        if !scope.all && scope.token != Some(i == 1) {
            continue;
        }
        check_eq!(
            asset.token.balance(&f.stream.address),
            escrow[i],
            "invariant 1: conservation"
        );
        check_eq!(
            asset.token.balance(&f.insurance.address),
            skims[i],
            "invariant 3: the skim is floor(1%) of the cumulative gross"
        );
        if scope.paid {
            let received = asset.token.balance(recipient) + asset.token.balance(other);
            check_eq!(
                received + skims[i],
                paid_out[i],
                "invariant 2: paid exactly what was withdrawn"
            );
        }
    }
    Ok(())
}
