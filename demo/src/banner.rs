//! The "ready" banner: ready-to-run `curl` queries against the indexer and `tributary` CLI
//! commands against the local network, filled in with the demo's ids and parties.

use tributary_scenario::Outcome;

use crate::{Demo, Files, CLI_CLAIM_INDEX};

/// One printed indexer query.
#[derive(Clone, Debug)]
pub struct Query {
    /// What it shows.
    pub what: &'static str,
    /// The full URL.
    pub url: String,
}

/// The indexer queries the banner prints, against the indexer at `base`. Each returns the
/// demo's data (the demo checks that every one answers 200 before it is ready).
pub fn queries(o: &Outcome, base: &str) -> Vec<Query> {
    let q = |what, path: String| Query {
        what,
        url: format!("{base}{path}"),
    };
    let stream = o.streams.first().copied().unwrap_or(1);
    vec![
        q("ingestion progress", "/health".into()),
        q("alice's streams", format!("/streams?sender={}", o.alice)),
        q("a stream's events", format!("/streams/{stream}/history")),
        q("the campaign", format!("/campaigns/{}", o.campaign)),
        q(
            "its claims",
            format!("/campaigns/{}/claims?limit=10", o.campaign),
        ),
        q(
            "claims paid to dave (claim key)",
            format!("/claims?recipient={}", o.dave),
        ),
        q(
            "the creator's tiers",
            format!("/creators/{}/tiers", o.creator),
        ),
        q(
            "the fan's subscriptions",
            format!("/subscriptions?fan={}", o.fan),
        ),
        q(
            "has_access at level 1",
            format!("/access/{}/{}?min_level=1", o.fan, o.creator),
        ),
        q("the insurance fund", "/insurance".into()),
        q(
            "the executed bailout",
            format!("/insurance/proposals/{}", o.proposal),
        ),
        q("Prometheus metrics", "/metrics".into()),
    ]
}

/// The `tributary` CLI commands the banner prints (`cli` is the binary's path) against the
/// network at `rpc_url`, reading the deployment file, the campaign CSV and the claimant key
/// the demo wrote (`files`).
pub fn cli_commands(
    o: &Outcome,
    cli: &str,
    rpc_url: &str,
    files: &Files,
) -> Vec<(&'static str, String)> {
    let dep = format!(
        "--rpc-url {rpc_url} --deployment {}",
        files.deployment.display()
    );
    let (csv, tree, key) = (
        o.csv.display(),
        files.tree.display(),
        files.claimant_key.display(),
    );
    let stream = o.streams.first().copied().unwrap_or(1);
    vec![
        ("a stream now", format!("{cli} {dep} stream show --id {stream}")),
        (
            "has_access on chain",
            format!(
                "{cli} {dep} access check --fan {} --creator {} --min-level 1",
                o.fan, o.creator
            ),
        ),
        (
            "the council, the fund and the bailout",
            format!("{cli} {dep} insurance show --id {}", o.proposal),
        ),
        (
            "the campaign's tree and proofs from its CSV",
            format!("{cli} campaign build --csv {csv} --out {tree}"),
        ),
        (
            "claim entry 2 with its recipient's key (then see the campaign's claims above)",
            format!(
                "{cli} {dep} --key-file {key} campaign claim --tree {tree} --id {} --index {CLI_CLAIM_INDEX}",
                o.campaign
            ),
        ),
    ]
}

/// The whole banner for a started demo.
pub fn render(demo: &Demo, cli: &str) -> String {
    let s = &demo.summary;
    let o = &demo.outcome;
    let mut out = String::new();
    out.push_str("\n==== Tributary demo ready ====\n");
    out.push_str(&format!(
        "Stellar RPC   {}   (passphrase \"{}\")\nfriendbot     {}\nindexer       {}   (redb: {})\n",
        demo.net.rpc_url,
        demo.net.passphrase,
        demo.net.friendbot_url,
        demo.indexer_url(),
        demo.files.db.display(),
    ));
    out.push_str(&format!(
        "deployment    {}\n\nThe scenario: {} streams (withdrawn, canceled, transferred, renounced), \
         campaign {} of {} recipients (entries 0 and 1 claimed by address and by claim key), \
         two tiers with a subscription renewed by a keeper, bailout proposal {} approved 5-of-5 \
         and executed after the timelock.\n",
        demo.files.deployment.display(),
        o.streams.len(),
        o.campaign,
        o.recipients,
        o.proposal,
    ));
    out.push_str(&format!(
        "The indexer matches the chain (simulateTransaction): {} streams, {} campaigns, {} claims, \
         {} tiers, {} subscriptions, {} access checks, {} insured assets, {} proposals, and \
         conservation on {} token balances.\n\nQuery the indexer:\n",
        s.streams,
        s.campaigns,
        s.claims,
        s.tiers,
        s.subscriptions,
        s.access_checks,
        s.assets,
        s.proposals,
        s.balances,
    ));
    for q in queries(o, &demo.indexer_url()) {
        out.push_str(&format!("  # {}\n  curl -s '{}'\n", q.what, q.url));
    }
    let verified = demo.receiver.verified();
    out.push_str(&format!(
        "\nWebhooks: the local receiver at {} verified {} signed deliveries (Standard Webhooks) of {}, e.g.\n",
        demo.receiver.url(),
        verified.len(),
        crate::WEBHOOK_KINDS.join(", "),
    ));
    if let Some(v) = verified.first() {
        out.push_str(&format!(
            "  webhook-id {}  {}  cursor {}\n",
            v.id, v.kind, v.cursor
        ));
    }
    out.push_str(&format!(
        "  # the endpoints (admin token in {})\n  curl -s -H \"Authorization: Bearer $(cat {})\" '{}/webhooks'\n",
        demo.files.admin_token.display(),
        demo.files.admin_token.display(),
        demo.indexer_url(),
    ));
    out.push_str(&format!(
        "Live feed (Server-Sent Events; resume with the Last-Event-ID header):\n  curl -N '{}/events/stream'\n",
        demo.indexer_url()
    ));
    if let Some(k) = &demo.keeper {
        out.push_str(&format!(
            "\nKeeper: {} renews from the indexer's renewal queue ({}/subscriptions?due_before=<now>) \
             in batches; the demo fan {} holds a {}-second tier.\n",
            k.account,
            demo.indexer_url(),
            k.fan,
            crate::keeper::PERIOD,
        ));
        if let Some(l) = k.last_renewal() {
            out.push_str(&format!(
                "  last renewal: {} -> {}, paid up to {} then, renewed at ledger time {} ({} s after its window opened)\n",
                l.renewed.fan, l.renewed.creator, l.renewed.expires_at, l.at, l.renewed.lag,
            ));
        }
    }
    out.push_str(&format!(
        "\nThe creator's revenue forecast (streams exact, subscriptions by Monte Carlo):\n  curl -s '{0}/creators/{1}/forecast?horizons=30,60,90'\n  fan chart: {0}/creators/{1}/forecast.svg\n",
        demo.indexer_url(),
        o.creator,
    ));
    out.push_str("\nDrive the protocol with the CLI:\n");
    for (what, cmd) in cli_commands(o, cli, &demo.net.rpc_url, &demo.files) {
        out.push_str(&format!("  # {what}\n  {cmd}\n"));
    }
    out.push_str("\nRunning until Ctrl-C.\n");
    out
}
