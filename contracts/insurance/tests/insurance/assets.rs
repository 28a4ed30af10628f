//! `propose_asset_change`, `is_insured` and `assets`.
//!
//! propose_asset_change
//! ├── when adding an insured asset → AssetAlreadyInsured
//! ├── when removing an uninsured asset → AssetNotInsured
//! └── when valid → 5-of-5 + timelock, then
//!     ├── adding lists the asset
//!     ├── removing with a non-zero balance → AssetHasBalance at execute
//!     └── removing with a zero balance delists it; emits asset_changed

use soroban_sdk::{testutils::Address as _, testutils::Events as _, vec, Address, Event, IntoVal};
use tributary_insurance::{AssetChangeRequested, AssetChanged, InsuranceError, TIMELOCK};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, FUND};

fn change(s: &Setup, asset: &Address, insured: bool) -> u64 {
    let id =
        s.f.insurance
            .propose_asset_change(s.member(2), asset, &insured);
    s.f.approve_by(id, &s.f.council);
    s.f.jump(TIMELOCK);
    id
}

#[test]
fn adding_an_asset_needs_five_approvals_and_the_timelock() {
    let s = Setup::new();
    let eurc = Address::generate(&s.f.env);
    assert!(!s.f.insurance.is_insured(&eurc));
    let id = change(&s, &eurc, true);
    s.f.insurance.execute(&id);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [AssetChanged {
            id,
            asset: eurc.clone(),
            insured: true
        }
        .to_xdr(e, ins)]
    );
    assert!(s.f.insurance.is_insured(&eurc));
    assert_eq!(
        s.f.insurance.assets(),
        vec![e, s.f.xlm.id.clone(), s.f.usdc.id.clone(), eurc]
    );
}

#[test]
fn removing_an_asset_with_a_balance_fails_until_it_is_zero() {
    let s = Setup::new();
    let id = change(&s, &s.f.xlm.id, false);
    assert_fails_unchanged!(
        s,
        id,
        s.f.insurance.try_execute(&id),
        InsuranceError::AssetHasBalance
    );
    assert!(s.f.insurance.is_insured(&s.f.xlm.id));
    // Drain the fund by a bailout, then the removal goes through.
    let bailout = s.queued_bailout(FUND);
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&bailout);
    s.f.insurance.execute(&id);
    assert!(!s.f.insurance.is_insured(&s.f.xlm.id));
    assert_eq!(s.f.insurance.assets(), vec![&s.f.env, s.f.usdc.id.clone()]);
}

#[test]
fn asset_change_rejects_no_op_changes() {
    let s = Setup::new();
    let i = &s.f.insurance;
    let unknown = Address::generate(&s.f.env);
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_asset_change(s.member(0), &s.f.usdc.id, &true),
        InsuranceError::AssetAlreadyInsured
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_asset_change(s.member(0), &unknown, &false),
        InsuranceError::AssetNotInsured
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_asset_change(&unknown, &unknown, &true),
        InsuranceError::NotMember
    );
}

#[test]
fn removing_usdc_with_zero_balance_succeeds() {
    let s = Setup::new();
    let id = change(&s, &s.f.usdc.id, false);
    s.f.insurance.execute(&id);
    assert!(!s.f.insurance.is_insured(&s.f.usdc.id));
}

#[test]
fn propose_asset_change_needs_member_auth_and_emits_event() {
    let s = Setup::new();
    let eurc = Address::generate(&s.f.env);
    let id =
        s.f.insurance
            .propose_asset_change(s.member(2), &eurc, &true);
    let (e, ins) = (&s.f.env, &s.f.insurance.address);
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [AssetChangeRequested {
            id,
            proposer: s.member(2).clone(),
            asset: eurc.clone(),
            insured: true
        }
        .to_xdr(e, ins)]
    );
    s.f.assert_auth(
        s.member(2),
        ins,
        "propose_asset_change",
        (s.member(2).clone(), eurc, true).into_val(e),
    );
}
