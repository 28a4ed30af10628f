"""The official Python stellar-sdk against the local network with the protocol deployed.

Run by sdk/cli/tests/official_clients.rs, which starts the network, deploys the protocol and sets
RPC_URL, NETWORK_PASSPHRASE, DEPLOYMENT (a deployment.json path), ALICE_SECRET and BOB_SECRET
(funded accounts).
"""

import hashlib
import json
import os
import random
import time

import pytest
from stellar_sdk import Asset, Keypair, SorobanServer, TransactionBuilder, scval
from stellar_sdk.contract import ContractClient
from stellar_sdk.contract.exceptions import SimulationFailedError
from stellar_sdk.soroban_rpc import EventFilter, EventFilterType, GetTransactionStatus


def env(name):
    value = os.environ.get(name)
    assert value, f"{name} is not set"
    return value


RPC_URL = env("RPC_URL")
PASSPHRASE = env("NETWORK_PASSPHRASE")
with open(env("DEPLOYMENT"), encoding="utf-8") as f:
    DEPLOYMENT = json.load(f)
ALICE = Keypair.from_secret(env("ALICE_SECRET"))
BOB = Keypair.from_secret(env("BOB_SECRET"))
XLM = DEPLOYMENT["assets"][0]


@pytest.fixture(scope="module")
def server():
    with SorobanServer(RPC_URL) as s:
        yield s


def stream_args(sender, deposit):
    """create_stream's arguments: `deposit` base units of XLM to BOB over an hour from now."""
    now = int(time.time())
    return [
        scval.to_address(sender.public_key),
        scval.to_uint64(random.getrandbits(64)),
        scval.to_address(BOB.public_key),
        scval.to_address(XLM),
        scval.to_int128(deposit),
        scval.to_uint64(now - 60),
        scval.to_uint64(now - 60),
        scval.to_uint64(now + 3600),
        scval.to_bool(True),
        scval.to_bool(False),
    ]


def streams():
    return ContractClient(DEPLOYMENT["stream"], RPC_URL, PASSPHRASE)


def create_stream(deposit, source):
    """ALICE's create_stream of `deposit`, simulated with `source` paying and signing."""
    return streams().invoke(
        "create_stream",
        stream_args(ALICE, deposit),
        source=source.public_key,
        signer=source,
        parse_result_xdr_fn=scval.from_uint64,
    )


def read_stream(stream_id):
    """get_stream as a native dict. Simulation loads the source account: an existing one."""
    read = streams().invoke(
        "get_stream",
        [scval.to_uint64(stream_id)],
        source=BOB.public_key,
        parse_result_xdr_fn=scval.to_native,
    )
    return read.result()


def test_reads(server):
    health = server.get_health()
    assert health.status == "healthy"
    network = server.get_network()
    assert network.passphrase == PASSPHRASE
    assert server.get_version_info().protocol_version >= 23
    assert int(server.get_fee_stats().soroban_inclusion_fee.max) >= 100
    assert server.get_latest_ledger().sequence >= health.latest_ledger


def test_get_transaction_of_an_unknown_hash_is_not_found(server):
    missing = server.get_transaction("ab" * 32)
    assert missing.status == GetTransactionStatus.NOT_FOUND
    assert missing.transaction_hash == "ab" * 32


def test_a_stream_is_created_and_withdrawn_through_contract_client(server):
    stream_id = create_stream(1_000_000_000, ALICE).sign_and_submit()
    assert isinstance(stream_id, int)

    withdraw = streams().invoke(
        "withdraw",
        [scval.to_uint64(stream_id), scval.to_address(BOB.public_key), scval.to_int128(10_000_000)],
        source=BOB.public_key,
        signer=BOB,
        parse_result_xdr_fn=scval.from_int128,
    )
    assert withdraw.sign_and_submit() == 10_000_000 - 100_000, "1% skim to insurance"

    stream = read_stream(stream_id)
    assert stream["withdrawn"] == 10_000_000
    assert stream["deposit"] == 1_000_000_000


def test_a_sender_who_is_not_the_source_signs_its_auth_entry(server):
    # BOB relays (source, fee); ALICE authorizes only her part with authorize_entry.
    create = create_stream(20_000_000, BOB)
    assert create.needs_non_invoker_signing_by() == {ALICE.public_key}
    create.sign_auth_entries(ALICE)
    stream_id = create.sign_and_submit()
    assert read_stream(stream_id)["sender"].address == ALICE.public_key


def test_a_contract_error_fails_the_simulation_with_its_code(server):
    with pytest.raises(SimulationFailedError) as failed:
        streams().invoke("create_stream", stream_args(ALICE, 0), source=ALICE.public_key)
    assert "Error(Contract, #101)" in str(failed.value), "InvalidDeposit"


def test_poll_transaction_waits_for_a_classic_payment(server):
    account = server.load_account(ALICE.public_key)
    tx = (
        TransactionBuilder(account, PASSPHRASE, base_fee=100)
        .append_payment_op(BOB.public_key, Asset.native(), "1")
        .set_timeout(60)
        .build()
    )
    tx.sign(ALICE)
    sent = server.send_transaction(tx)
    assert sent.status.value == "PENDING", sent
    done = server.poll_transaction(sent.hash, max_attempts=20)
    assert done.status == GetTransactionStatus.SUCCESS
    assert done.transaction_hash == sent.hash


def test_get_events_with_default_arguments_pages_the_stream_contract(server):
    start = server.get_health().oldest_ledger
    filters = [EventFilter(event_type=EventFilterType.CONTRACT, contract_ids=[DEPLOYMENT["stream"]])]
    first = server.get_events(start_ledger=start, filters=filters, limit=2)
    assert len(first.events) == 2
    second = server.get_events(filters=filters, cursor=first.cursor, limit=2)
    ids = [e.id for e in first.events + second.events]
    assert len(set(ids)) == len(ids), "no event twice"
    assert all(e.contract_id == DEPLOYMENT["stream"] for e in first.events + second.events)


def leaf(index, claimant, amount):
    """PROTOCOL.md, claims: sha256(sha256(0x00 || xdr(Vec[index: u32, claimant, amount: i128])))."""
    entry = scval.to_vec(
        [
            scval.to_uint32(index),
            scval.to_enum("Address", scval.to_address(claimant)),
            scval.to_int128(amount),
        ]
    )
    inner = hashlib.sha256(b"\x00" + entry.to_xdr_bytes()).digest()
    return hashlib.sha256(inner).digest()


def test_a_campaign_is_created_and_claimed_with_a_merkle_proof(server):
    amount = 5_000_000
    now = int(time.time())
    claims = ContractClient(DEPLOYMENT["claims"], RPC_URL, PASSPHRASE)
    # One recipient: the root is BOB's leaf and the proof is empty.
    campaign_id = claims.invoke(
        "create_campaign",
        [
            scval.to_address(ALICE.public_key),
            scval.to_uint64(random.getrandbits(64)),
            scval.to_address(XLM),
            scval.to_bytes(leaf(0, BOB.public_key, amount)),
            scval.to_int128(amount),
            scval.to_uint32(1),
            scval.to_uint64(now - 60),
            scval.to_uint64(now + 3600),
            scval.to_void(),
        ],
        source=ALICE.public_key,
        signer=ALICE,
        parse_result_xdr_fn=scval.from_uint64,
    ).sign_and_submit()
    claim_args = [
        scval.to_uint64(campaign_id),
        scval.to_uint32(0),
        scval.to_enum("Address", scval.to_address(BOB.public_key)),
        scval.to_int128(amount),
        scval.to_bytes(b""),
        scval.to_address(BOB.public_key),
        scval.to_void(),
    ]
    claimed = claims.invoke(
        "claim",
        claim_args,
        source=BOB.public_key,
        signer=BOB,
        parse_result_xdr_fn=scval.from_int128,
    ).sign_and_submit()
    assert claimed == amount - amount // 100, "the amount less the 1% skim"
    with pytest.raises(SimulationFailedError):
        claims.invoke("claim", claim_args, source=BOB.public_key)


def test_a_creator_sets_a_tier_and_a_fan_subscribes(server):
    period, price = 30 * 86_400, 2_000_000
    access = ContractClient(DEPLOYMENT["access"], RPC_URL, PASSPHRASE)
    access.invoke(
        "set_tier",
        [
            scval.to_address(BOB.public_key),
            scval.to_uint32(1),
            scval.to_address(XLM),
            scval.to_int128(price),
            scval.to_uint64(period),
            scval.to_uint64(86_400),
        ],
        source=BOB.public_key,
        signer=BOB,
    ).sign_and_submit()
    expires_at = access.invoke(
        "subscribe",
        [
            scval.to_address(ALICE.public_key),
            scval.to_address(BOB.public_key),
            scval.to_uint32(1),
            scval.to_uint32(2),
            scval.to_int128(price),
        ],
        source=ALICE.public_key,
        signer=ALICE,
        parse_result_xdr_fn=scval.from_uint64,
    ).sign_and_submit()
    assert abs(expires_at - (int(time.time()) + 2 * period)) < 120
    has_access = access.invoke(
        "has_access",
        [scval.to_address(ALICE.public_key), scval.to_address(BOB.public_key), scval.to_uint32(1)],
        source=ALICE.public_key,
        parse_result_xdr_fn=scval.from_bool,
    ).result()
    assert has_access is True
