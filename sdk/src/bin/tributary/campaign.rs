//! `campaign build|create|claim|clawback`. The tree file is JSON: `root` (hex), `total`,
//! `count`, and `entries` of `{index, claimant, amount, proof}` (proof: hex of the concatenated
//! 32-byte siblings).

use std::{io::Write, path::Path};

use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tributary_sdk::{
    claim_key,
    generated::claims::{Claimant, ClaimsContract},
    ids::random_salt,
    merkle::{parse_claimant, CampaignTree},
};

use crate::{
    args::CampaignCommand,
    context::{address, contract, load_key, CliError, Context, Report},
};

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
        CampaignCommand::Create {
            tree,
            token,
            start,
            expiry,
            approver,
        } => {
            let t = read_tree(&tree)?;
            let token = ctx.token(&token)?;
            let approver = approver.as_deref().map(address).transpose()?;
            let total: i128 = t
                .total
                .parse()
                .map_err(|_| CliError::Input("tree total is not an integer".into()))?;
            let key = ctx.key()?;
            let start = start.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            });
            let call = claims.create_campaign(
                &key.address(),
                random_salt(),
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
            to,
            claim_key_file,
        } => {
            let t = read_tree(&tree)?;
            let key = ctx.key()?;
            let claim_key = claim_key_file
                .as_deref()
                .map(|p| load_key(Some(p)))
                .transpose()?;
            let to = to.as_deref().map(address).transpose()?;
            let progress = bar(
                indices.len() as u64,
                ctx.json || indices.len() < 2,
                "claiming",
            );
            let mut paid = Vec::new();
            for index in indices {
                let e = t
                    .entries
                    .get(index as usize)
                    .filter(|e| e.index == index)
                    .ok_or_else(|| CliError::Input(format!("index {index} is not in the tree")))?;
                let claimant = parse_claimant(&e.claimant).map_err(CliError::Input)?;
                let amount: i128 = e.amount.parse().map_err(|_| {
                    CliError::Input(format!("entry {index}: amount is not an integer"))
                })?;
                let proof = hex::decode(&e.proof)
                    .map_err(|_| CliError::Input(format!("entry {index}: proof is not hex")))?;
                let (payee, signature) = match &claimant {
                    Claimant::Address(a) => (a.clone(), None),
                    Claimant::Key(public) => {
                        let k = claim_key.as_ref().ok_or_else(|| {
                            CliError::Input(format!(
                                "entry {index} belongs to a claim key: give --claim-key-file"
                            ))
                        })?;
                        if k.public_key() != *public {
                            return Err(CliError::Input(format!(
                                "the claim key file's key is not entry {index}'s claimant"
                            )));
                        }
                        let payee = to.clone().unwrap_or_else(|| key.address());
                        let sig = claim_key::sign_claim(k, &claims.address, id, index, &payee);
                        (payee, Some(sig))
                    }
                };
                let call = claims.claim(id, index, &claimant, amount, &proof, &payee, &signature);
                let done = ctx.client.invoke(key, &call, &[]).await?;
                paid.push(json!({ "index": index, "to": payee.to_string(), "net": done.value.to_string(), "tx": done.hash }));
                progress.inc(1);
            }
            progress.finish_and_clear();
            Ok(Report::new(json!({ "id": id, "claims": paid })))
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
