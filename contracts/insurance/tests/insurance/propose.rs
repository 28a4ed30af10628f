//! `propose_bailout`, and the constructor's checks.
//!
//! propose_bailout
//! ├── when the caller is not a member → NotMember
//! ├── when amount <= 0 → InvalidAmount
//! ├── (any asset, listed or not: what the fund holds stays payable)
//! ├── when the recipient is the fund → InvalidRecipient
//! ├── when amount > the fund's balance of the asset → InsufficientBalance
//! └── when valid → a pending proposal; emits bailout_requested; needs the member's auth
//! __constructor
//! ├── when the council is not 5 distinct members → InvalidCouncil
//! └── when an asset repeats → DuplicateAsset

use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, Event, IntoVal, InvokeError,
};
use tributary_insurance::{Action, Bailout, BailoutRequested, InsuranceError, ProposalStatus};

use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, FUND};

#[test]
fn propose_bailout_stores_pending_proposal_and_emits_event() {
    let s = Setup::new();
    let id = s.bailout(FUND / 2);
    let e = &s.f.env;
    let ins = &s.f.insurance.address;
    assert_eq!(
        e.events().all().filter_by_contract(ins),
        [BailoutRequested {
            id,
            proposer: s.member(0).clone(),
            asset: s.f.xlm.id.clone(),
            amount: FUND / 2,
            recipient: s.victim.clone(),
            reason: s.reason(),
        }
        .to_xdr(e, ins)]
    );
    s.f.assert_auth(
        s.member(0),
        ins,
        "propose_bailout",
        (
            s.member(0).clone(),
            s.f.xlm.id.clone(),
            FUND / 2,
            s.victim.clone(),
            s.reason(),
        )
            .into_val(e),
    );
    let p = s.f.insurance.proposal(&id);
    assert_eq!(p.status, ProposalStatus::Pending);
    assert_eq!(
        p.action,
        Action::Bailout(Bailout {
            asset: s.f.xlm.id.clone(),
            amount: FUND / 2,
            recipient: s.victim.clone(),
            reason: s.reason()
        })
    );
    assert_eq!(
        (p.created_at, p.epoch, p.eta, p.approvals),
        (s.f.now(), 0, 0, 0)
    );
}

#[test]
fn propose_bailout_rejects_bad_input() {
    let s = Setup::new();
    let i = &s.f.insurance;
    let outsider = Address::generate(&s.f.env);
    let uninsured = Address::generate(&s.f.env);
    let (m, x, v, r) = (s.member(0), &s.f.xlm.id, &s.victim, &s.reason());
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_bailout(&outsider, x, &1, v, r),
        InsuranceError::NotMember
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_bailout(m, x, &0, v, r),
        InsuranceError::InvalidAmount
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_bailout(m, &uninsured, &1, v, r),
        InsuranceError::InsufficientBalance // any asset is payable, up to what the fund holds
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_bailout(m, x, &1, &i.address, r),
        InsuranceError::InvalidRecipient
    );
    assert_fails_unchanged!(
        s,
        1,
        i.try_propose_bailout(m, x, &(FUND + 1), v, r),
        InsuranceError::InsufficientBalance
    );
    assert_eq!(
        i.try_proposal(&1),
        Err(Ok(InsuranceError::ProposalNotFound))
    );
}

#[test]
fn propose_without_member_auth_fails() {
    let s = Setup::new();
    s.f.env.set_auths(&[]);
    let r =
        s.f.insurance
            .try_propose_bailout(s.member(0), &s.f.xlm.id, &1, &s.victim, &s.reason());
    assert_eq!(r, Err(Err(InvokeError::Abort)));
}

fn assert_constructor_error<T: core::fmt::Debug>(
    r: Result<T, std::string::String>,
    code: InsuranceError,
) {
    let msg = r.expect_err("the constructor must fail");
    assert!(
        msg.contains(&format!("Error(Contract, #{})", code as u32)),
        "{msg}"
    );
}

#[test]
fn constructor_requires_five_distinct_members_and_distinct_assets() {
    let s = Setup::new();
    let e = &s.f.env;
    let members: std::vec::Vec<Address> = (0..6).map(|_| Address::generate(e)).collect();
    let assets = [s.f.xlm.id.clone()];
    let deploy =
        |council: &[Address], assets: &[Address]| s.f.try_deploy_insurance(council, assets);
    assert_constructor_error(
        deploy(&members[..4], &assets),
        InsuranceError::InvalidCouncil,
    );
    assert_constructor_error(
        deploy(&members[..6], &assets),
        InsuranceError::InvalidCouncil,
    );
    let dup = [
        members[0].clone(),
        members[1].clone(),
        members[2].clone(),
        members[3].clone(),
        members[0].clone(),
    ];
    assert_constructor_error(deploy(&dup, &assets), InsuranceError::InvalidCouncil);
    let twice = [s.f.xlm.id.clone(), s.f.xlm.id.clone()];
    assert_constructor_error(
        deploy(&members[..5], &twice),
        InsuranceError::DuplicateAsset,
    );
    assert_eq!(deploy(&members[..5], &assets).map(drop), Ok(()));
}
