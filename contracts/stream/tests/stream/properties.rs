//! Random action sequences with time jumps keep PROTOCOL.md invariants 1–4 after every step,
//! and every call succeeds exactly when a plain model of the rules says it should.
//!
//! 1. Conservation: the contract's balance of each token equals the sum over its streams of
//!    `deposit - withdrawn - refunded`.
//! 2. No one is paid more than vested: `withdrawn <= streamed`, and recipients plus insurance
//!    received exactly `withdrawn`.
//! 3. Insurance holds exactly `sum(floor(withdrawn_i / 100))`: 1% of each stream's cumulative
//!    gross payout, and nothing else.
//! 4. `streamed` never decreases and never exceeds `deposit`; `withdrawable >= 0`.

use proptest::prelude::*;
use soroban_sdk::{testutils::Address as _, Address};
use tributary_fixture::{Fixture, UNIT};
use tributary_stream::StreamError;

#[derive(Clone, Debug)]
enum Action {
    Create {
        usdc: bool,
        deposit: i128,
        start_offset: i64,
        cliff_pct: u64,
        duration: u64,
        cancelable: bool,
    },
    Withdraw {
        stream: usize,
        amount_pct: u64,
        to_other: bool,
    },
    WithdrawMax {
        stream: usize,
    },
    Cancel {
        stream: usize,
    },
    Renounce {
        stream: usize,
    },
    Transfer {
        stream: usize,
    },
    Jump {
        seconds: u64,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (
            any::<bool>(),
            1i128..=1_000_000 * UNIT,
            -500i64..500,
            0u64..=100,
            1u64..2_000,
            any::<bool>()
        )
            .prop_map(
                |(usdc, deposit, start_offset, cliff_pct, duration, cancelable)| Action::Create {
                    usdc,
                    deposit,
                    start_offset,
                    cliff_pct,
                    duration,
                    cancelable
                }
            ),
        (0usize..8, 0u64..=120, any::<bool>()).prop_map(|(stream, amount_pct, to_other)| {
            Action::Withdraw {
                stream,
                amount_pct,
                to_other,
            }
        }),
        (0usize..8).prop_map(|stream| Action::WithdrawMax { stream }),
        (0usize..8).prop_map(|stream| Action::Cancel { stream }),
        (0usize..8).prop_map(|stream| Action::Renounce { stream }),
        (0usize..8).prop_map(|stream| Action::Transfer { stream }),
        (0u64..800).prop_map(|seconds| Action::Jump { seconds }),
    ]
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
    canceled: bool,
    last_streamed: i128,
}

impl Model {
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

fn run(actions: Vec<Action>) -> Result<(), TestCaseError> {
    let f = Fixture::create();
    let sender = f.funded(&f.xlm, i128::MAX / 4);
    f.usdc.admin.mint(&sender, &(i128::MAX / 4));
    let recipient = Address::generate(&f.env);
    let other = Address::generate(&f.env);
    let mut streams: Vec<(u64, Model)> = Vec::new();
    let mut paid_out = [0i128; 2];
    for a in actions {
        let now = f.now();
        match a {
            Action::Create {
                usdc,
                deposit,
                start_offset,
                cliff_pct,
                duration,
                cancelable,
            } => {
                let start = now.saturating_add_signed(start_offset);
                let end = start + duration;
                let cliff = start + duration * cliff_pct / 100;
                let token = if usdc { &f.usdc.id } else { &f.xlm.id };
                let r = f.stream.try_create_stream(
                    &sender,
                    &recipient,
                    token,
                    &deposit,
                    &start,
                    &cliff,
                    &end,
                    &cancelable,
                    &true,
                );
                if end <= now {
                    prop_assert_eq!(r, Err(Ok(StreamError::EndNotInFuture)));
                } else {
                    let id = r.unwrap().unwrap();
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
                            canceled: false,
                            last_streamed: 0,
                        },
                    ));
                }
            }
            Action::Withdraw {
                stream,
                amount_pct,
                to_other,
            } => {
                let Some((id, m)) = streams.get_mut(stream) else {
                    continue;
                };
                let available = m.vested(now) - m.withdrawn;
                // Up to 120% of what is available, so over-draws are exercised too.
                let amount =
                    available * i128::from(amount_pct) / 100 + i128::from(amount_pct > 100);
                let to = if to_other { &other } else { &recipient };
                let r = f.stream.try_withdraw(id, to, &amount);
                if amount <= 0 {
                    prop_assert_eq!(r, Err(Ok(StreamError::InvalidAmount)));
                } else if amount > available {
                    prop_assert_eq!(r, Err(Ok(StreamError::AmountExceedsWithdrawable)));
                } else {
                    prop_assert!(r.is_ok());
                    m.withdrawn += amount;
                    paid_out[usize::from(m.usdc)] += amount;
                }
            }
            Action::WithdrawMax { stream } => {
                let Some((id, m)) = streams.get_mut(stream) else {
                    continue;
                };
                let available = m.vested(now) - m.withdrawn;
                let r = f.stream.try_withdraw_max(id, &recipient);
                if available == 0 {
                    prop_assert_eq!(r, Err(Ok(StreamError::NothingToWithdraw)));
                } else {
                    prop_assert!(r.is_ok());
                    m.withdrawn += available;
                    paid_out[usize::from(m.usdc)] += available;
                }
            }
            Action::Cancel { stream } => {
                let Some((id, m)) = streams.get_mut(stream) else {
                    continue;
                };
                let r = f.stream.try_cancel(id);
                let vested = m.vested(now);
                if m.canceled {
                    prop_assert_eq!(r, Err(Ok(StreamError::StreamCanceled)));
                } else if !m.cancelable {
                    prop_assert_eq!(r, Err(Ok(StreamError::NotCancelable)));
                } else if vested == m.deposit {
                    prop_assert_eq!(r, Err(Ok(StreamError::StreamSettled)));
                } else {
                    prop_assert_eq!(r, Ok(Ok(m.deposit - vested)));
                    m.refunded = m.deposit - vested;
                    m.canceled = true;
                    m.cancelable = false;
                }
            }
            Action::Renounce { stream } => {
                let Some((id, m)) = streams.get_mut(stream) else {
                    continue;
                };
                if f.stream.try_renounce(id).is_ok() {
                    prop_assert!(m.cancelable && !m.canceled && m.vested(now) < m.deposit);
                    m.cancelable = false;
                }
            }
            Action::Transfer { stream } => {
                let Some((id, _)) = streams.get(stream) else {
                    continue;
                };
                // Transfer to the same recipient: allowed, changes nothing observable here.
                f.stream.transfer(id, &recipient);
            }
            Action::Jump { seconds } => f.jump(seconds),
        }
        check_invariants(&f, &mut streams, paid_out, &recipient, &other)?;
    }
    Ok(())
}

fn check_invariants(
    f: &Fixture,
    streams: &mut [(u64, Model)],
    paid_out: [i128; 2],
    recipient: &Address,
    other: &Address,
) -> Result<(), TestCaseError> {
    let now = f.now();
    let mut escrow = [0i128; 2];
    let mut skims = [0i128; 2];
    for (id, m) in streams.iter_mut() {
        let s = f.stream.get_stream(id);
        prop_assert_eq!((s.withdrawn, s.refunded), (m.withdrawn, m.refunded));
        let streamed = f.stream.streamed(id);
        prop_assert_eq!(streamed, m.vested(now));
        prop_assert!(streamed >= m.last_streamed && streamed <= m.deposit);
        prop_assert!(f.stream.withdrawable(id) >= 0 && s.withdrawn <= streamed);
        m.last_streamed = streamed;
        escrow[usize::from(m.usdc)] += s.deposit - s.withdrawn - s.refunded;
        skims[usize::from(m.usdc)] += s.withdrawn / 100;
    }
    for (i, asset) in [&f.xlm, &f.usdc].into_iter().enumerate() {
        prop_assert_eq!(asset.token.balance(&f.stream.address), escrow[i]);
        prop_assert_eq!(asset.token.balance(&f.insurance.address), skims[i]);
        let received = asset.token.balance(recipient) + asset.token.balance(other);
        prop_assert_eq!(received + skims[i], paid_out[i]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_sequences_keep_invariants(actions in proptest::collection::vec(action(), 1..30)) {
        run(actions)?;
    }
}
