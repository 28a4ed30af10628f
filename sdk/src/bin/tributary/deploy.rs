//! `deploy`: uploads the four contracts' WASM and deploys them in dependency order (insurance,
//! then stream, claims and access with the insurance address), then writes the deployment file.

use serde_json::json;
use sha2::{Digest, Sha256};
use stellar_xdr::ScAddress;
use tributary_sdk::generated::{access, claims, insurance, stream};

use crate::{
    args::DeployArgs,
    context::{address, contract, parse_asset, CliError, Context, Deployment, Report},
};

pub async fn deploy(ctx: &Context, a: DeployArgs) -> Result<Report, CliError> {
    let key = ctx.key()?;
    if a.council.len() != 5 {
        return Err(CliError::Input(format!(
            "the council has exactly 5 members; {} given",
            a.council.len()
        )));
    }
    let council = a
        .council
        .iter()
        .map(|c| address(c))
        .collect::<Result<Vec<ScAddress>, _>>()?;
    let mut wasm = Vec::new();
    for name in ["insurance", "stream", "claims", "access"] {
        let path = a.wasm_dir.join(format!("tributary_{name}.wasm"));
        wasm.push(
            std::fs::read(&path)
                .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?,
        );
    }
    let mut assets = Vec::new();
    for spec in &a.assets {
        assets.push(match parse_asset(spec)? {
            Some(asset) => ctx.client.deploy_asset(key, asset).await?,
            None => contract(spec)?,
        });
    }
    // A fresh salt per deployment: the same key can deploy again.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let salt = |name: &str| -> [u8; 32] {
        Sha256::new()
            .chain_update(name)
            .chain_update(nonce.to_be_bytes())
            .finalize()
            .into()
    };
    let hash = ctx.client.upload(key, &wasm[0]).await?;
    let ins = ctx
        .client
        .deploy(
            key,
            hash,
            salt("insurance"),
            insurance::constructor_args(&council, &assets),
        )
        .await?;
    let mut ids = Vec::new();
    for (i, name) in ["stream", "claims", "access"].iter().enumerate() {
        let hash = ctx.client.upload(key, &wasm[i + 1]).await?;
        let args = match *name {
            "stream" => stream::constructor_args(&ins),
            "claims" => claims::constructor_args(&ins),
            _ => access::constructor_args(&ins),
        };
        ids.push(
            ctx.client
                .deploy(key, hash, salt(name), args)
                .await?
                .to_string(),
        );
    }
    let d = Deployment {
        network_passphrase: ctx.client.passphrase().to_string(),
        insurance: ins.to_string(),
        stream: ids[0].clone(),
        claims: ids[1].clone(),
        access: ids[2].clone(),
        assets: assets.iter().map(ToString::to_string).collect(),
    };
    ctx.write_deployment(&d)?;
    Ok(Report::new(json!({
        "insurance": d.insurance, "stream": d.stream, "claims": d.claims, "access": d.access, "assets": d.assets,
    })))
}
