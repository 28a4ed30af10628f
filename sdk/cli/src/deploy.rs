//! `deploy`: uploads the four contracts' WASM and deploys them in dependency order (insurance,
//! then stream, claims and access with the insurance address), then writes the deployment file.

use serde_json::json;
use stellar_xdr::ScAddress;
use tributary_sdk::deployment::{self, ProtocolWasm};

use crate::{
    args::DeployArgs,
    context::{address, contract, parse_asset, CliError, Context, Report},
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
    let wasm = ProtocolWasm::from_dir(&a.wasm_dir).map_err(CliError::from)?;
    let mut assets = Vec::new();
    for spec in &a.assets {
        assets.push(match parse_asset(spec)? {
            Some(asset) => ctx.client.deploy_asset(key, asset).await?,
            None => contract(spec)?,
        });
    }
    let d = deployment::deploy(&ctx.client, key, &wasm, &council, &assets).await?;
    ctx.write_deployment(&d)?;
    Ok(Report::new(json!({
        "insurance": d.insurance, "stream": d.stream, "claims": d.claims, "access": d.access, "assets": d.assets,
    })))
}
