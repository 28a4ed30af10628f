//! What every command shares: the client, the key, the deployment file, errors and output.

use std::path::{Path, PathBuf};

use serde_json::Value;
use stellar_xdr::{AlphaNum12, AlphaNum4, Asset, AssetCode12, AssetCode4, ScAddress};
use tributary_sdk::{client::asset_contract, merkle::CampaignError, Client, Error, Signer};

use crate::args::Cli;

/// A command's failure.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// From the SDK (contract errors by name, RPC, network mismatch…).
    #[error(transparent)]
    Sdk(#[from] Error),
    /// Bad arguments or files.
    #[error("{0}")]
    Input(String),
    /// A campaign CSV or tree problem.
    #[error(transparent)]
    Campaign(#[from] CampaignError),
    /// A keeper pass stopped (the indexer, or the network).
    #[error(transparent)]
    Keeper(#[from] tributary_sdk::keeper::KeeperError),
}

/// What a command prints: text lines, or one JSON value with `--json`.
pub struct Report {
    pub lines: Vec<String>,
    pub json: Value,
}

impl Report {
    pub fn new(json: Value) -> Self {
        let lines = match &json {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{k}: {}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_string)
                    )
                })
                .collect(),
            other => vec![other.to_string()],
        };
        Self { lines, json }
    }

    pub fn print(&self, json: bool) {
        if json {
            println!("{}", self.json);
        } else {
            for l in &self.lines {
                println!("{l}");
            }
        }
    }
}

pub use tributary_sdk::deployment::Deployment;

pub struct Context {
    pub client: Client,
    key: Option<Signer>,
    key_error: String,
    deployment_path: PathBuf,
    pub json: bool,
}

impl Context {
    pub async fn new(cli: &Cli) -> Result<Self, CliError> {
        let (key, key_error) = match (load_key(cli.key_file.as_deref()), &cli.key_file) {
            (Ok(k), _) => (Some(k), String::new()),
            (Err(e), Some(path)) => {
                return Err(CliError::Input(format!("key file {}: {e}", path.display())))
            }
            (Err(e), None) => (None, e.to_string()),
        };
        let client = Client::connect(&cli.rpc_url, &cli.network_passphrase).await?;
        Ok(Self {
            client,
            key,
            key_error,
            deployment_path: cli.deployment.clone(),
            json: cli.json,
        })
    }

    /// `given`, or else now on the ledger clock (the latest ledger's close time), which the
    /// contracts check times against.
    ///
    /// # Errors
    /// RPC errors reading the ledger time.
    pub async fn time_or_now(&self, given: Option<u64>) -> Result<u64, CliError> {
        match given {
            Some(t) => Ok(t),
            None => Ok(self.client.ledger_time().await?),
        }
    }

    /// The signing key, or why there is none.
    pub fn key(&self) -> Result<&Signer, CliError> {
        self.key
            .as_ref()
            .ok_or_else(|| CliError::Input(format!("this command signs: {}", self.key_error)))
    }

    /// An address for read-only simulations: the key's, or the all-zero account (simulation
    /// needs no funded source).
    pub fn reader(&self) -> String {
        self.key.as_ref().map_or_else(
            || {
                stellar_strkey::ed25519::PublicKey([0; 32])
                    .to_string()
                    .as_str()
                    .into()
            },
            Signer::public_strkey,
        )
    }

    pub fn deployment(&self) -> Result<Deployment, CliError> {
        let path = &self.deployment_path;
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::Input(format!(
                "deployment file {}: {e} (run `tributary deploy` first)",
                path.display()
            ))
        })?;
        let d: Deployment = serde_json::from_str(&text)
            .map_err(|e| CliError::Input(format!("deployment file {}: {e}", path.display())))?;
        if d.network_passphrase != self.client.passphrase() {
            return Err(CliError::Input(format!(
                "deployment file {} is for network {:?}, not {:?}",
                path.display(),
                d.network_passphrase,
                self.client.passphrase()
            )));
        }
        Ok(d)
    }

    pub fn write_deployment(&self, d: &Deployment) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(d).map_err(|e| CliError::Input(e.to_string()))?;
        std::fs::write(&self.deployment_path, text)
            .map_err(|e| CliError::Input(format!("{}: {e}", self.deployment_path.display())))
    }

    /// A token: `native`, `CODE:ISSUER`, or a contract address.
    pub fn token(&self, spec: &str) -> Result<ScAddress, CliError> {
        match parse_asset(spec)? {
            Some(asset) => Ok(asset_contract(self.client.network_id(), &asset)),
            None => contract(spec),
        }
    }
}

/// Reads a secret seed from `path`, else from TRIBUTARY_SECRET_KEY.
pub fn load_key(path: Option<&Path>) -> Result<Signer, CliError> {
    let seed = match path {
        Some(p) => {
            std::fs::read_to_string(p).map_err(|e| CliError::Input(format!("cannot read: {e}")))?
        }
        None => std::env::var("TRIBUTARY_SECRET_KEY")
            .map_err(|_| CliError::Input("give --key-file or set TRIBUTARY_SECRET_KEY".into()))?,
    };
    Ok(Signer::from_secret(&seed)?)
}

/// `native` or `CODE:ISSUER` as an asset; `None` for anything else.
pub fn parse_asset(spec: &str) -> Result<Option<Asset>, CliError> {
    if spec == "native" {
        return Ok(Some(Asset::Native));
    }
    let Some((code, issuer)) = spec.split_once(':') else {
        return Ok(None);
    };
    let issuer = issuer
        .parse()
        .map_err(|_| CliError::Input(format!("asset {spec}: issuer is not a G… address")))?;
    let bad = || CliError::Input(format!("asset {spec}: code must be 1-12 letters or digits"));
    if code.is_empty() || code.len() > 12 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    let mut bytes = code.as_bytes().to_vec();
    Ok(Some(if code.len() <= 4 {
        bytes.resize(4, 0);
        Asset::CreditAlphanum4(AlphaNum4 {
            asset_code: AssetCode4(bytes.try_into().map_err(|_| bad())?),
            issuer,
        })
    } else {
        bytes.resize(12, 0);
        Asset::CreditAlphanum12(AlphaNum12 {
            asset_code: AssetCode12(bytes.try_into().map_err(|_| bad())?),
            issuer,
        })
    }))
}

/// A G… or C… address.
pub fn address(s: &str) -> Result<ScAddress, CliError> {
    s.parse()
        .map_err(|_| CliError::Input(format!("{s:?} is not a G… or C… address")))
}

/// A C… contract address.
pub fn contract(s: &str) -> Result<ScAddress, CliError> {
    match address(s)? {
        a @ ScAddress::Contract(_) => Ok(a),
        _ => Err(CliError::Input(format!(
            "{s} is not a contract (C…) address"
        ))),
    }
}
