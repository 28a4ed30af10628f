//! Claim links: one claim key per wallet-less campaign recipient, minted from the OS RNG and
//! handed out as a link whose URL fragment carries the secret
//! (`<base>#k=<base64url secret seed>&c=<claims contract>&id=<campaign>&i=<index>`). A fragment
//! is never sent to a web server by browsers (RFC 3986 §3.5), so the page that opens the link
//! can claim in the browser. The link is a bearer secret: whoever holds it can claim the entry
//! to any address, once. A lost or leaked link is handled by the funder's `revoke` of that
//! entry before it is claimed (its amount returns to the funder).
//!
//! [`mint`] streams a recipients CSV (`recipient,amount`; a recipient is a G…/C… address or a
//! contact handle) into the tree CSV `campaign build` reads (`index,claimant,amount`; handles
//! become hex public keys) and a distribution CSV (`handle,index,amount,link`), one row at a
//! time: memory does not grow with the row count.

use std::io::{BufRead, Write};

use base64::Engine;
use stellar_xdr::ScAddress;

use crate::signer::Signer;

/// A parsed claim link. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimLink {
    /// The claim key's ed25519 secret seed.
    pub secret: [u8; 32],
    /// The claims contract (C…).
    pub contract: ScAddress,
    /// The campaign id.
    pub id: u64,
    /// The entry index.
    pub index: u32,
}

impl std::fmt::Debug for ClaimLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimLink")
            .field("secret", &"<redacted>")
            .field("contract", &self.contract.to_string())
            .field("id", &self.id)
            .field("index", &self.index)
            .finish()
    }
}

/// Why a link or a recipients file is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    /// The link has no `#` fragment.
    #[error("a claim link carries its key after '#'")]
    NoFragment,
    /// A field is missing or malformed (named).
    #[error("claim link field {field}: {reason}")]
    Field {
        /// `k`, `c`, `id` or `i`.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A recipients CSV row is malformed (1-based line).
    #[error("recipients line {line}: {reason}")]
    Row {
        /// Line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a file.
    #[error("{0}")]
    Io(String),
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

impl ClaimLink {
    /// The claim key.
    pub fn key(&self) -> Signer {
        Signer::from_bytes(self.secret)
    }

    /// The link: `base` (a claim page URL, without a fragment) and the fragment.
    pub fn to_url(&self, base: &str) -> String {
        format!(
            "{base}#k={}&c={}&id={}&i={}",
            b64().encode(self.secret),
            self.contract,
            self.id,
            self.index
        )
    }

    /// Parses a link (or just its fragment after `#`).
    ///
    /// # Errors
    /// [`LinkError::NoFragment`] or [`LinkError::Field`] naming the field.
    pub fn parse(link: &str) -> Result<Self, LinkError> {
        let fragment = link.split_once('#').ok_or(LinkError::NoFragment)?.1;
        let field = |name: &'static str| {
            fragment
                .split('&')
                .find_map(|kv| kv.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                .ok_or(LinkError::Field {
                    field: name,
                    reason: "missing".into(),
                })
        };
        let bad = |field: &'static str, reason: &str| LinkError::Field {
            field,
            reason: reason.into(),
        };
        let secret = b64()
            .decode(field("k")?)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| bad("k", "not 32 bytes of base64url"))?;
        let contract: ScAddress = field("c")?
            .parse()
            .map_err(|_| bad("c", "not a contract strkey"))?;
        if !matches!(contract, ScAddress::Contract(_)) {
            return Err(bad("c", "not a contract address (C…)"));
        }
        let id = field("id")?
            .parse()
            .map_err(|_| bad("id", "not an unsigned 64-bit campaign id"))?;
        let index = field("i")?
            .parse()
            .map_err(|_| bad("i", "not an unsigned 32-bit entry index"))?;
        Ok(Self {
            secret,
            contract,
            id,
            index,
        })
    }
}

/// What [`mint`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Minted {
    /// Rows (tree entries).
    pub rows: u64,
    /// Claim keys minted (rows with a handle).
    pub keys: u64,
    /// Sum of the amounts, base units.
    pub total: i128,
}

/// Reads `recipients` (header `recipient,amount`, then one row per recipient) and writes the
/// tree CSV to `tree` and the distribution CSV to `links`: each handle row gets a fresh claim
/// key from the OS RNG, and its link names `contract`, campaign `id` and the row's index
/// (0-based, in file order). Handles must not contain `,` or be quoted.
///
/// # Errors
/// [`LinkError::Row`] for a malformed row (named by line), [`LinkError::Io`].
pub fn mint(
    recipients: impl BufRead,
    contract: &ScAddress,
    id: u64,
    link_base: &str,
    mut tree: impl Write,
    mut links: impl Write,
) -> Result<Minted, LinkError> {
    let io = |e: std::io::Error| LinkError::Io(e.to_string());
    writeln!(tree, "index,claimant,amount").map_err(io)?;
    writeln!(links, "handle,index,amount,link").map_err(io)?;
    let mut out = Minted::default();
    for (n, line) in recipients.lines().enumerate() {
        let line = line.map_err(io)?;
        let line_no = n as u64 + 1;
        let row = |reason: String| LinkError::Row {
            line: line_no,
            reason,
        };
        if n == 0 {
            if line.trim() != "recipient,amount" {
                return Err(row("the header must be `recipient,amount`".into()));
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let (who, amount) = line
            .split_once(',')
            .ok_or_else(|| row("expected `recipient,amount`".into()))?;
        let (who, amount) = (who.trim(), amount.trim());
        let amount: i128 = amount
            .parse()
            .ok()
            .filter(|a| *a > 0)
            .ok_or_else(|| row(format!("amount {amount:?} is not a positive integer")))?;
        if who.is_empty() || who.contains('"') {
            return Err(row("an empty or quoted recipient".into()));
        }
        let index = u32::try_from(out.rows).map_err(|_| row("more than 2^32 rows".into()))?;
        match who.parse::<ScAddress>() {
            Ok(a @ (ScAddress::Account(_) | ScAddress::Contract(_))) => {
                writeln!(tree, "{index},{a},{amount}").map_err(io)?;
            }
            _ if who.starts_with('G') && who.len() == 56
                || who.starts_with('M') && who.len() == 69 =>
            {
                return Err(row(format!(
                    "{who:?} looks like an address but isn't a valid G…/C… strkey"
                )));
            }
            _ => {
                let mut secret = [0u8; 32];
                getrandom::fill(&mut secret)
                    .map_err(|e| LinkError::Io(format!("OS random generator: {e}")))?;
                let link = ClaimLink {
                    secret,
                    contract: contract.clone(),
                    id,
                    index,
                };
                writeln!(
                    tree,
                    "{index},{},{amount}",
                    hex::encode(link.key().public_key())
                )
                .map_err(io)?;
                writeln!(links, "{who},{index},{amount},{}", link.to_url(link_base)).map_err(io)?;
                out.keys += 1;
            }
        }
        out.rows += 1;
        out.total += amount;
    }
    tree.flush().map_err(io)?;
    links.flush().map_err(io)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &str = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";

    #[test]
    fn a_link_round_trips_and_hides_its_secret_in_debug() {
        let l = ClaimLink {
            secret: [7; 32],
            contract: C.parse().unwrap(),
            id: u64::MAX,
            index: 42,
        };
        let url = l.to_url("https://claim.example/");
        assert!(url.starts_with("https://claim.example/#k="), "{url}");
        assert_eq!(ClaimLink::parse(&url).unwrap(), l);
        assert!(!format!("{l:?}").contains(&b64().encode([7u8; 32])));
    }

    #[test]
    fn malformed_links_name_the_field() {
        let good = ClaimLink {
            secret: [1; 32],
            contract: C.parse().unwrap(),
            id: 5,
            index: 3,
        }
        .to_url("x");
        assert_eq!(ClaimLink::parse("https://x/"), Err(LinkError::NoFragment));
        for (link, field) in [
            (good.replace("&i=3", ""), "i"),
            (good.replace("&i=3", "&i=-1"), "i"),
            (good.replace("id=5", "id=x"), "id"),
            (
                good.replace(
                    C,
                    "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ",
                ),
                "c",
            ),
            (format!("x#k=AAAA&c={C}&id=1&i=1"), "k"),
        ] {
            match ClaimLink::parse(&link) {
                Err(LinkError::Field { field: f, .. }) => assert_eq!(f, field, "{link}"),
                other => panic!("{link}: {other:?}"),
            }
        }
    }

    #[test]
    fn minting_writes_keys_for_handles_only_and_names_bad_rows() {
        let csv = "recipient,amount\nGA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ,10\n+15551234567,20\nana@example.org,30\n";
        let (mut tree, mut links) = (Vec::new(), Vec::new());
        let contract: ScAddress = C.parse().unwrap();
        let m = mint(
            csv.as_bytes(),
            &contract,
            9,
            "https://c/",
            &mut tree,
            &mut links,
        )
        .unwrap();
        assert_eq!(
            m,
            Minted {
                rows: 3,
                keys: 2,
                total: 60
            }
        );
        let tree = String::from_utf8(tree).unwrap();
        let links = String::from_utf8(links).unwrap();
        let rows: Vec<&str> = links.lines().skip(1).collect();
        assert_eq!(rows.len(), 2);
        for (row, index) in rows.iter().zip([1u32, 2]) {
            let link = ClaimLink::parse(row.rsplit(',').next().unwrap()).unwrap();
            assert_eq!((link.id, link.index), (9, index));
            let public = hex::encode(link.key().public_key());
            assert!(tree.contains(&format!("{index},{public},")), "{tree}");
            assert!(
                !tree.contains(&b64().encode(link.secret)),
                "no secret in the tree"
            );
        }
        for (bad, line) in [
            ("recipient,amount\nbob,0\n", 2),
            ("recipient,amount\nbob\n", 2),
            ("who,amount\n", 1),
            (
                "recipient,amount\nGA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGA,5\n",
                2,
            ),
        ] {
            match mint(bad.as_bytes(), &contract, 1, "x", Vec::new(), Vec::new()) {
                Err(LinkError::Row { line: l, .. }) => assert_eq!(l, line, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
