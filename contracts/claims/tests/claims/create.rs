//! `create_campaign` and `approve`.
//!
//! create_campaign
//! ├── when total <= 0 → InvalidTotal
//! ├── when count == 0 → InvalidCount
//! ├── when start >= expiry → StartNotBeforeExpiry
//! ├── when expiry <= now → ExpiryNotInFuture
//! ├── when the approver is the funder → ApproverIsFunder
//! ├── when the token is not insured → TokenNotInsured
//! ├── when the funder already used the salt → IdTaken
//! └── when valid → escrows total under the id its funder and salt derive; Active, or Draft with an approver; emits campaign_created
//! approve
//! ├── given no approver, or already approved → NotDraft
//! └── given a draft → Active; needs the approver's auth; emits campaign_approved

use soroban_sdk::{
    symbol_short,
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _},
    Address, BytesN, Event, IntoVal, Symbol,
};
use tributary_claims::{CampaignApproved, CampaignCreated, CampaignStatus, ClaimsError};
use tributary_fixture::assert_fails_unchanged;

use crate::common::{Setup, WINDOW};

#[test]
fn create_escrows_total_and_emits_event() {
    let s = Setup::new();
    let before = s.f.xlm.token.balance(&s.funder);
    let id = s.campaign();
    let (e, claims) = (&s.f.env, &s.f.claims.address);
    let now = s.f.now();
    let root = s.tree.root(e);
    let total = s.tree.total();
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [CampaignCreated {
            id,
            funder: s.funder.clone(),
            token: s.f.xlm.id.clone(),
            root: root.clone(),
            total,
            count: 5,
            start: now,
            expiry: now + WINDOW,
            approver: None
        }
        .to_xdr(e, claims)]
    );
    assert_eq!(
        e.auths(),
        std::vec![(
            s.funder.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    claims.clone(),
                    Symbol::new(e, "create_campaign"),
                    (
                        s.funder.clone(),
                        1u64,
                        s.f.xlm.id.clone(),
                        root,
                        total,
                        5u32,
                        now,
                        now + WINDOW,
                        None::<Address>
                    )
                        .into_val(e),
                )),
                sub_invocations: std::vec![AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.f.xlm.id.clone(),
                        symbol_short!("transfer"),
                        (s.funder.clone(), claims.clone(), total).into_val(e)
                    )),
                    sub_invocations: std::vec![],
                }],
            }
        )]
    );
    assert_eq!(id, s.f.campaign_id(&s.funder, 1));
    assert_eq!(s.f.xlm.token.balance(&s.funder), before - total);
    assert_eq!(s.f.xlm.token.balance(claims), total);
    let c = s.f.claims.get_campaign(&id);
    assert_eq!(
        (c.status, c.remaining, c.count),
        (CampaignStatus::Active, total, 5)
    );
}

#[test]
fn create_rejects_each_invalid_argument() {
    let s = Setup::new();
    let e = &s.f.env;
    let (c, x, root) = (&s.f.claims, &s.f.xlm.id, s.tree.root(e));
    let now = s.f.now();
    let other = e
        .register_stellar_asset_contract_v2(Address::generate(e))
        .address();
    let f = &s.funder;
    assert_fails_unchanged!(
        s,
        1,
        c.try_create_campaign(f, &1, x, &root, &0, &5, &now, &(now + 10), &None),
        ClaimsError::InvalidTotal
    );
    assert_fails_unchanged!(
        s,
        1,
        c.try_create_campaign(f, &1, x, &root, &1, &0, &now, &(now + 10), &None),
        ClaimsError::InvalidCount
    );
    assert_fails_unchanged!(
        s,
        1,
        c.try_create_campaign(f, &1, x, &root, &1, &5, &(now + 10), &(now + 10), &None),
        ClaimsError::StartNotBeforeExpiry
    );
    assert_fails_unchanged!(
        s,
        1,
        c.try_create_campaign(f, &1, x, &root, &1, &5, &(now - 10), &now, &None),
        ClaimsError::ExpiryNotInFuture
    );
    assert_fails_unchanged!(
        s,
        1,
        c.try_create_campaign(f, &1, x, &root, &1, &5, &now, &(now + 10), &Some(f.clone())),
        ClaimsError::ApproverIsFunder
    );
    assert_fails_unchanged!(
        s,
        1,
        c.try_create_campaign(f, &1, &other, &root, &1, &5, &now, &(now + 10), &None),
        ClaimsError::TokenNotInsured
    );
    assert_eq!(
        c.try_get_campaign(&s.f.campaign_id(f, 1)),
        Err(Ok(ClaimsError::CampaignNotFound))
    );
}

#[test]
fn create_with_a_used_salt_fails_with_id_taken() {
    let s = Setup::new();
    let e = &s.f.env;
    let id = s.campaign();
    let now = s.f.now();
    let again = s.f.claims.try_create_campaign(
        &s.funder,
        &s.salt.get(),
        &s.f.xlm.id,
        &s.tree.root(e),
        &s.tree.total(),
        &5,
        &now,
        &(now + 10),
        &None,
    );
    assert_eq!(again, Err(Ok(ClaimsError::IdTaken)));
    assert_eq!(s.f.claims.get_campaign(&id).remaining, s.tree.total());
    assert_eq!(s.f.xlm.token.balance(&s.f.claims.address), s.tree.total());
}

#[test]
fn draft_opens_only_on_the_approvers_signature() {
    let s = Setup::new();
    let approver = Address::generate(&s.f.env);
    let id = s.campaign_with(
        &s.tree.root(&s.f.env),
        s.tree.total(),
        Some(approver.clone()),
    );
    assert_eq!(s.f.claims.get_campaign(&id).status, CampaignStatus::Draft);
    let to = s.payee(0);
    assert_fails_unchanged!(s, id, s.try_claim(id, 0, &to), ClaimsError::CampaignInDraft);
    s.f.claims.approve(&id);
    let (e, claims) = (&s.f.env, &s.f.claims.address);
    assert_eq!(
        e.events().all().filter_by_contract(claims),
        [CampaignApproved {
            id,
            approver: approver.clone()
        }
        .to_xdr(e, claims)]
    );
    s.f.assert_auth(&approver, claims, "approve", (id,).into_val(e));
    assert_eq!(s.f.claims.get_campaign(&id).status, CampaignStatus::Active);
    assert_fails_unchanged!(s, id, s.f.claims.try_approve(&id), ClaimsError::NotDraft);
    assert!(s.try_claim(id, 0, &to).is_ok());
}

#[test]
fn approve_without_approver_or_its_auth_fails() {
    let s = Setup::new();
    let open = s.campaign();
    assert_fails_unchanged!(
        s,
        open,
        s.f.claims.try_approve(&open),
        ClaimsError::NotDraft
    );
    let approver = Address::generate(&s.f.env);
    let draft = s.campaign_with(&BytesN::from_array(&s.f.env, &[0; 32]), 1, Some(approver));
    s.f.env.set_auths(&[]);
    let before = s.state(draft);
    // Without the approver's authorization the host aborts the call.
    assert_eq!(
        s.f.claims.try_approve(&draft),
        Err(Err(soroban_sdk::InvokeError::Abort))
    );
    assert_eq!(s.state(draft), before);
}
