//! `campaign keys|build|create|approve|pause|resume|extend-expiry|claim|revoke|clawback`. The tree file is JSON: `root` (hex), `total`,
//! `count`, and `entries` of `{index, claimant, amount, proof}` (proof: hex of the concatenated
//! 32-byte siblings).

use std::{io::Write, path::Path};

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tributary_sdk::{
    claim_key, claim_link,
    generated::claims::{ClaimRequest, Claimant, ClaimsContract},
    ids::random_salt,
    merkle::{parse_claimant, CampaignTree},
    Call,
};

use crate::{
    args::CampaignCommand,
    context::{address, contract, load_key, CliError, Context, Report},
};

/// Sends `call`, which moves campaign `id` to `status`, and reports it with the transaction.
async fn set_status(
    ctx: &Context,
    call: Call<()>,
    id: u64,
    status: &str,
) -> Result<Report, CliError> {
    let done = ctx.client.invoke(ctx.key()?, &call, &[]).await?;
    Ok(Report::new(
        json!({ "id": id, "status": status, "tx": done.hash }),
    ))
}

#[derive(Serialize, Deserialize)]
struct TreeFile {
    root: String,
    total: String,
    count: u32,
    entries: Vec<TreeEntry>,
}

#[derive(Serialize, Deserialize)]
struct TreeEntry {
    index: u32,
    claimant: String,
    amount: String,
    proof: String,
}

fn claimant_text(c: &Claimant) -> String {
    match c {
        Claimant::Address(a) => a.to_string(),
        Claimant::Key(k) => hex::encode(k),
    }
}

fn bar(len: u64, quiet: bool, what: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})") {
        b.set_style(style);
    }
    b.set_message(what.to_string());
    b
}

pub fn build(csv: &Path, out: &Path, quiet: bool) -> Result<Report, CliError> {
    let file =
        std::fs::File::open(csv).map_err(|e| CliError::Input(format!("{}: {e}", csv.display())))?;
    let size = file.metadata().map_or(0, |m| m.len());
    let reading = bar(size, quiet, "reading and hashing");
    let tree = CampaignTree::from_csv(reading.wrap_read(file))?;
    reading.finish_and_clear();
    let writing = bar(u64::from(tree.count()), quiet, "writing proofs");
    let file = std::fs::File::create(out)
        .map_err(|e| CliError::Input(format!("{}: {e}", out.display())))?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e: std::io::Error| CliError::Input(format!("{}: {e}", out.display()));
    // Streamed entry by entry: a million proofs don't fit comfortably in one JSON value.
    write!(
        w,
        "{{\"root\":\"{}\",\"total\":\"{}\",\"count\":{},\"entries\":[",
        hex::encode(tree.root()),
        tree.total(),
        tree.count()
    )
    .map_err(io)?;
    for (i, e) in tree.entries().iter().enumerate() {
        let entry = TreeEntry {
            index: e.index,
            claimant: claimant_text(&e.claimant),
            amount: e.amount.to_string(),
            proof: hex::encode(tree.proof(e.index).unwrap_or_default()),
        };
        if i > 0 {
            w.write_all(b",").map_err(io)?;
        }
        serde_json::to_writer(&mut w, &entry).map_err(|e| CliError::Input(e.to_string()))?;
        writing.inc(1);
    }
    w.write_all(b"]}\n").and_then(|_| w.flush()).map_err(io)?;
    writing.finish_and_clear();
    Ok(Report::new(json!({
        "root": hex::encode(tree.root()), "total": tree.total().to_string(), "count": tree.count(), "out": out.display().to_string(),
    })))
}

/// `campaign keys`: see the command's help.
fn keys(
    claims: &stellar_xdr::ScAddress,
    funder: &stellar_xdr::ScAddress,
    recipients: &Path,
    out: &Path,
    link_base: &str,
) -> Result<Report, CliError> {
    let input = |p: &Path, e: std::io::Error| CliError::Input(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(out).map_err(|e| input(out, e))?;
    let salt = random_salt();
    let id = tributary_sdk::ids::campaign_id(claims, funder, salt);
    let (tree_path, links_path, meta_path) = (
        out.join("tree.csv"),
        out.join("links.csv"),
        out.join("campaign.json"),
    );
    let mut secret_file = std::fs::OpenOptions::new();
    secret_file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut secret_file, 0o600);
    let links = secret_file
        .open(&links_path)
        .map_err(|e| input(&links_path, e))?;
    let tree = std::fs::File::create(&tree_path).map_err(|e| input(&tree_path, e))?;
    let reader = std::fs::File::open(recipients).map_err(|e| input(recipients, e))?;
    let minted = claim_link::mint(
        std::io::BufReader::new(reader),
        claims,
        id,
        link_base,
        std::io::BufWriter::new(tree),
        std::io::BufWriter::new(links),
    )
    .map_err(|e| CliError::Input(e.to_string()))?;
    let meta = json!({
        "claims": claims.to_string(), "funder": funder.to_string(), "salt": salt, "id": id,
        "rows": minted.rows, "keys": minted.keys, "total": minted.total.to_string(),
    });
    std::fs::write(&meta_path, format!("{meta:#}\n")).map_err(|e| input(&meta_path, e))?;
    Ok(Report::new(json!({
        "id": id, "salt": salt, "rows": minted.rows, "keys": minted.keys,
        "total": minted.total.to_string(), "tree_csv": tree_path.display().to_string(),
        "links": links_path.display().to_string(),
    })))
}

/// `campaign keys` without a network: the claims contract from `--deployment`, the funder
/// from `--key-file` (or `TRIBUTARY_SECRET_KEY`).
pub fn keys_offline(
    cli: &crate::args::Cli,
    recipients: &Path,
    out: &Path,
    link_base: &str,
) -> Result<Report, CliError> {
    let path = &cli.deployment;
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("deployment file {}: {e}", path.display())))?;
    let d: tributary_sdk::deployment::Deployment = serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("deployment file {}: {e}", path.display())))?;
    let funder = load_key(cli.key_file.as_deref())?.address();
    keys(&contract(&d.claims)?, &funder, recipients, out, link_base)
}

/// Entry `index` of `t`: its claimant, amount and proof.
fn entry(t: &TreeFile, index: u32) -> Result<(Claimant, i128, Vec<u8>), CliError> {
    let e = t
        .entries
        .get(index as usize)
        .filter(|e| e.index == index)
        .ok_or_else(|| CliError::Input(format!("index {index} is not in the tree")))?;
    let claimant = parse_claimant(&e.claimant).map_err(CliError::Input)?;
    let amount: i128 = e
        .amount
        .parse()
        .map_err(|_| CliError::Input(format!("entry {index}: amount is not an integer")))?;
    let proof = hex::decode(&e.proof)
        .map_err(|_| CliError::Input(format!("entry {index}: proof is not hex")))?;
    Ok((claimant, amount, proof))
}

fn read_tree(path: &Path) -> Result<TreeFile, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("tree file {}: {e}", path.display())))
}

fn hex32(s: &str, what: &str) -> Result<[u8; 32], CliError> {
    hex::decode(s)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| CliError::Input(format!("{what} is not 32 bytes of hex")))
}

pub async fn run(ctx: &Context, c: CampaignCommand) -> Result<Report, CliError> {
    let d = ctx.deployment()?;
    let claims = ClaimsContract::new(contract(&d.claims)?);
    match c {
        CampaignCommand::Build { csv, out } => build(&csv, &out, ctx.json),
        CampaignCommand::Keys {
            recipients,
            out,
            link_base,
        } => keys(
            &claims.address,
            &ctx.key()?.address(),
            &recipients,
            &out,
            &link_base,
        ),

        CampaignCommand::Revoke { tree, id, index } => {
            let t = read_tree(&tree)?;
            let (claimant, amount, proof) = entry(&t, index)?;
            let call = claims.revoke(id, index, &claimant, amount, &proof);
            let done = ctx.client.invoke(ctx.key()?, &call, &[]).await?;
            Ok(Report::new(
                json!({ "id": id, "index": index, "refunded": amount.to_string(), "tx": done.hash }),
            ))
        }
        CampaignCommand::Create {
            tree,
            token,
            start,
            expiry,
            approver,
            salt,
        } => {
            let t = read_tree(&tree)?;
            let token = ctx.token(&token)?;
            let approver = approver.as_deref().map(address).transpose()?;
            let total: i128 = t
                .total
                .parse()
                .map_err(|_| CliError::Input("tree total is not an integer".into()))?;
            let key = ctx.key()?;
            let start = ctx.time_or_now(start).await?;
            let call = claims.create_campaign(
                &key.address(),
                salt.unwrap_or_else(random_salt),
                &token,
                &hex32(&t.root, "tree root")?,
                total,
                t.count,
                start,
                expiry,
                &approver,
            );
            let done = ctx.client.invoke(key, &call, &[]).await?;
            Ok(Report::new(
                json!({ "id": done.value, "root": t.root, "total": t.total, "count": t.count, "tx": done.hash }),
            ))
        }
        CampaignCommand::Claim {
            tree,
            id,
            indices,
            links,
            to,
            claim_key_file,
            one_transaction,
        } => {
            let t = read_tree(&tree)?;
            let key = ctx.key()?;
            let claim_key = claim_key_file
                .as_deref()
                .map(|p| load_key(Some(p)))
                .transpose()?;
            let to = to.as_deref().map(address).transpose()?;
            // Each job: campaign, index, and the claim key if it came with a link.
            let jobs: Vec<(u64, u32, Option<tributary_sdk::Signer>)> = if links.is_empty() {
                let id = id.ok_or_else(|| CliError::Input("give --id or --link".into()))?;
                indices.into_iter().map(|i| (id, i, None)).collect()
            } else {
                links
                    .iter()
                    .map(|l| {
                        let l = claim_link::ClaimLink::parse(l)
                            .map_err(|e| CliError::Input(e.to_string()))?;
                        if l.contract != claims.address {
                            return Err(CliError::Input(format!(
                                "the link is for claims contract {}, not this deployment's {}",
                                l.contract, claims.address
                            )));
                        }
                        Ok((l.id, l.index, Some(l.key())))
                    })
                    .collect::<Result<_, CliError>>()?
            };
            let progress = bar(jobs.len() as u64, ctx.json || jobs.len() < 2, "claiming");
            let mut paid = Vec::new();
            let mut requests = Vec::new();
            for (id, index, link_key) in jobs {
                let (claimant, amount, proof) = entry(&t, index)?;
                let (payee, signature) = match &claimant {
                    Claimant::Address(a) => (a.clone(), None),
                    Claimant::Key(public) => {
                        let k = link_key.as_ref().or(claim_key.as_ref()).ok_or_else(|| {
                            CliError::Input(format!(
                                "entry {index} belongs to a claim key: give --claim-key-file or --link"
                            ))
                        })?;
                        if k.public_key() != *public {
                            return Err(CliError::Input(format!(
                                "the claim key is not entry {index}'s claimant (is the tree this campaign's?)"
                            )));
                        }
                        let payee = to.clone().unwrap_or_else(|| key.address());
                        let sig = claim_key::sign_claim(k, &claims.address, id, index, &payee);
                        (payee, Some(sig))
                    }
                };
                if one_transaction {
                    requests.push(ClaimRequest {
                        amount,
                        claimant,
                        id,
                        index,
                        proof,
                        signature,
                        to: payee,
                    });
                    continue;
                }
                let call = claims.claim(id, index, &claimant, amount, &proof, &payee, &signature);
                let done = ctx.client.invoke(key, &call, &[]).await?;
                paid.push(json!({ "id": id, "index": index, "to": payee.to_string(), "net": done.value.to_string(), "tx": done.hash }));
                progress.inc(1);
            }
            progress.finish_and_clear();
            if one_transaction {
                // All or nothing, in one transaction (`claim_many`); the total net comes back.
                let done = ctx
                    .client
                    .invoke(key, &claims.claim_many(&requests), &[])
                    .await?;
                let entries: Vec<_> = requests
                    .iter()
                    .map(|r| json!({ "id": r.id, "index": r.index, "to": r.to.to_string() }))
                    .collect();
                return Ok(Report::new(
                    json!({ "claims": entries, "net": done.value.to_string(), "tx": done.hash }),
                ));
            }
            Ok(Report::new(json!({ "claims": paid })))
        }
        CampaignCommand::Approve { id } => set_status(ctx, claims.approve(id), id, "active").await,
        CampaignCommand::Pause { id } => set_status(ctx, claims.pause(id), id, "paused").await,
        CampaignCommand::Resume { id } => set_status(ctx, claims.resume(id), id, "active").await,
        CampaignCommand::ExtendExpiry { id, expiry } => {
            let call = claims.extend_expiry(id, expiry);
            let done = ctx.client.invoke(ctx.key()?, &call, &[]).await?;
            Ok(Report::new(
                json!({ "id": id, "expiry": expiry, "tx": done.hash }),
            ))
        }
        CampaignCommand::Clawback { id } => {
            let done = ctx
                .client
                .invoke(ctx.key()?, &claims.clawback(id), &[])
                .await?;
            Ok(Report::new(
                json!({ "id": id, "returned": done.value.to_string(), "tx": done.hash }),
            ))
        }
    }
}
