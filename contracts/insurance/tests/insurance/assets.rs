//! `propose_asset_change`, `is_insured` and `assets`.
//!
//! propose_asset_change
//! ├── when adding an insured asset → AssetAlreadyInsured
//! ├── when removing an uninsured asset → AssetNotInsured
//! └── when valid → 5-of-5 + timelock, then
//!     ├── adding lists the asset
//!     └── removing delists it whatever the fund holds (a dust donation can't block it);
//!         what the fund holds of it stays payable by a bailout; emits asset_changed

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

/// Repro 6 of the adversarial review: one base unit donated to the fund made
/// `propose_asset_change(.., false)` fail at execute with `AssetHasBalance`.
#[test]
fn repro_dust_donation_does_not_block_an_asset_removal() {
    let s = Setup::new();
    let id = change(&s, &s.f.usdc.id, false);
    s.f.usdc.admin.mint(&s.f.insurance.address, &1); // the dust donation
    s.f.insurance.execute(&id);
    assert!(!s.f.insurance.is_insured(&s.f.usdc.id));
    assert_eq!(s.f.insurance.assets(), vec![&s.f.env, s.f.xlm.id.clone()]);
    assert_eq!(s.f.usdc.token.balance(&s.f.insurance.address), 1);
    s.f.snapshot("review_dust_asset_removal");
}

/// A delisted asset the fund holds stays payable: skims of it are not frozen.
#[test]
fn a_bailout_pays_a_delisted_asset_the_fund_holds() {
    let s = Setup::new();
    let removal = change(&s, &s.f.xlm.id, false);
    s.f.insurance.execute(&removal);
    assert!(!s.f.insurance.is_insured(&s.f.xlm.id));
    let bailout = s.queued_bailout(FUND);
    s.f.jump(TIMELOCK);
    s.f.insurance.execute(&bailout);
    assert_eq!(s.f.xlm.token.balance(&s.f.insurance.address), 0);
    assert_eq!(
        s.f.insurance
            .try_propose_bailout(s.member(0), &s.f.xlm.id, &1, s.member(1), &s.reason()),
        Err(Ok(InsuranceError::InsufficientBalance))
    );
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
