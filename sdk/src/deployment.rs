//! Deploying the protocol: the four contracts' WASM uploaded and instantiated in dependency
//! order (insurance first, with its council and asset allowlist; then stream, claims and
//! access, each given the insurance address), and the result as `deployment.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use stellar_xdr::ScAddress;

use crate::{
    events::Contracts,
    generated::{access, claims, insurance, stream},
    Client, Error, Sign,
};

/// The contracts of one deployment, as strkeys (`deployment.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The network's passphrase.
    pub network_passphrase: String,
    /// The insurance contract.
    pub insurance: String,
    /// The stream contract.
    pub stream: String,
    /// The claims contract.
    pub claims: String,
    /// The access contract.
    pub access: String,
    /// The insured assets (Stellar Asset Contracts) at deploy time.
    pub assets: Vec<String>,
}

impl Deployment {
    /// Reads a `deployment.json` (as `tributary deploy` writes it).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the file: unreadable, not JSON of this shape, or a contract
    /// id that is not a `C…` strkey.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let input = |m: String| Error::InvalidInput(format!("{}: {m}", path.display()));
        let text = std::fs::read_to_string(path).map_err(|e| input(e.to_string()))?;
        let d: Self = serde_json::from_str(&text).map_err(|e| input(e.to_string()))?;
        for (name, id) in [
            ("insurance", &d.insurance),
            ("stream", &d.stream),
            ("claims", &d.claims),
            ("access", &d.access),
        ] {
            if !matches!(id.parse::<ScAddress>(), Ok(ScAddress::Contract(_))) {
                return Err(input(format!("{name} {id:?} is not a contract id (C…)")));
            }
        }
        Ok(d)
    }

    /// The four contract ids, for event decoding.
    pub fn contracts(&self) -> Contracts {
        Contracts {
            stream: self.stream.clone(),
            claims: self.claims.clone(),
            access: self.access.clone(),
            insurance: self.insurance.clone(),
        }
    }
}

/// The four contracts' WASM, in deploy order: insurance, stream, claims, access.
pub struct ProtocolWasm(pub [Vec<u8>; 4]);

/// Contract names in deploy order; files are `tributary_<name>.wasm`.
pub const CONTRACTS: [&str; 4] = ["insurance", "stream", "claims", "access"];

impl ProtocolWasm {
    /// Reads `tributary_<name>.wasm` for each contract from `dir` (e.g.
    /// `target/wasm32v1-none/release`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the unreadable file.
    pub fn from_dir(dir: &Path) -> Result<Self, Error> {
        let read = |name: &str| {
            let path = dir.join(format!("tributary_{name}.wasm"));
            std::fs::read(&path)
                .map_err(|e| Error::InvalidInput(format!("{}: {e}", path.display())))
        };
        Ok(Self([
            read(CONTRACTS[0])?,
            read(CONTRACTS[1])?,
            read(CONTRACTS[2])?,
            read(CONTRACTS[3])?,
        ]))
    }
}

/// Uploads and deploys the protocol from `source`'s account. `council` is the insurance
/// council (exactly 5 distinct addresses); `assets` its initial allowlist. Contract ids
/// derive from `source` and a fresh salt, so the same key can deploy again.
///
/// # Errors
/// [`Error`] from any of the eight transactions; `Error::Contract` with `InvalidCouncil`
/// for a bad council.
pub async fn deploy(
    client: &Client,
    source: &dyn Sign,
    wasm: &ProtocolWasm,
    council: &[ScAddress],
    assets: &[ScAddress],
) -> Result<Deployment, Error> {
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
    let hash = client.upload(source, &wasm.0[0]).await?;
    let ins = client
        .deploy(
            source,
            hash,
            salt("insurance"),
            insurance::constructor_args(&council.to_vec(), &assets.to_vec()),
        )
        .await?;
    let mut ids = Vec::new();
    for (i, name) in CONTRACTS.iter().enumerate().skip(1) {
        let hash = client.upload(source, &wasm.0[i]).await?;
        let args = match *name {
            "stream" => stream::constructor_args(&ins),
            "claims" => claims::constructor_args(&ins),
            _ => access::constructor_args(&ins),
        };
        ids.push(
            client
                .deploy(source, hash, salt(name), args)
                .await?
                .to_string(),
        );
    }
    Ok(Deployment {
        network_passphrase: client.passphrase().to_string(),
        insurance: ins.to_string(),
        stream: ids[0].clone(),
        claims: ids[1].clone(),
        access: ids[2].clone(),
        assets: assets.iter().map(ToString::to_string).collect(),
    })
}
