//! `forecast`: a creator's revenue forecast, as the indexer computes it
//! (`GET /creators/{address}/forecast`, and `.svg` for the fan chart).

use serde_json::Value;

use crate::{
    args::ForecastArgs,
    context::{address, CliError, Report},
};

pub async fn run(a: &ForecastArgs) -> Result<Report, CliError> {
    address(&a.creator)?;
    let base = a.indexer.trim_end_matches('/');
    let query = format!("horizons={}&paths={}&seed={}", a.horizons, a.paths, a.seed);
    let url = format!("{base}/creators/{}/forecast?{query}", a.creator);
    let body = get(url.clone()).await?;
    let json: Value = serde_json::from_str(&body)
        .map_err(|e| CliError::Input(format!("{url}: not JSON: {e}")))?;
    if let Some(path) = &a.svg {
        let svg = get(format!(
            "{base}/creators/{}/forecast.svg?{query}",
            a.creator
        ))
        .await?;
        std::fs::write(path, svg)
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    }
    let mut lines = Vec::new();
    for h in json["horizons"].as_array().into_iter().flatten() {
        for t in h["tokens"].as_array().into_iter().flatten() {
            let tokens = |k: &str| t[k].as_f64().unwrap_or(0.0) / 1e7;
            lines.push(format!(
                "{:>3} days  {}  mean {:.2}  95% [{:.2}, {:.2}]  median {:.2}  (streams {:.2}, renewals {:.2}, new subscribers {:.2})",
                h["days"], t["token"].as_str().unwrap_or("?"), tokens("mean"), tokens("p2_5"),
                tokens("p97_5"), tokens("p50"), tokens("streams"), tokens("renewals"),
                tokens("new_subscribers"),
            ));
        }
    }
    Ok(Report { lines, json })
}

/// `GET url`'s body; an error names the URL and the indexer's message.
async fn get(url: String) -> Result<String, CliError> {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut res = agent
            .get(&url)
            .call()
            .map_err(|e| CliError::Input(format!("{url}: {e}")))?;
        let status = res.status().as_u16();
        let body = res
            .body_mut()
            .read_to_string()
            .map_err(|e| CliError::Input(format!("{url}: {e}")))?;
        if status == 200 {
            Ok(body)
        } else {
            Err(CliError::Input(format!("{url}: HTTP {status}: {body}")))
        }
    })
    .await
    .map_err(|e| CliError::Input(e.to_string()))?
}
