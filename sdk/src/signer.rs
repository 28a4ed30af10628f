//! Who signs: the [`Sign`] trait (anything that signs 32-byte hashes for one account with
//! ed25519: transaction envelopes and Soroban authorization entries), and [`Signer`], an
//! in-memory ed25519 key that implements it.

use ed25519_dalek::{Signer as _, SigningKey};
use sha2::{Digest, Sha256};
use stellar_xdr::{
    AccountId, DecoratedSignature, Hash, HashIdPreimage, HashIdPreimageSorobanAuthorization,
    Limits, PublicKey, ScAddress, ScBytes, ScMap, ScMapEntry, ScVal, ScVec, Signature,
    SignatureHint, SorobanAuthorizationEntry, SorobanCredentials, Uint256, WriteXdr,
};

use crate::{error::Error, scval::symbol};

/// Anything that signs for one Stellar account with ed25519: an in-memory key ([`Signer`]),
/// or an HSM, a KMS or a hardware wallet behind this trait. The SDK asks for signatures of
/// 32-byte hashes only: a transaction's hash (the envelope's signature) and an authorization
/// entry's payload (`sha256(HashIdPreimage::SorobanAuthorization)`, CAP-46-11).
pub trait Sign: Send + Sync {
    /// The account's ed25519 public key.
    fn public_key(&self) -> [u8; 32];

    /// An ed25519 signature of `hash`.
    ///
    /// # Errors
    /// [`Error::Signing`] with the key store's reason (a refused prompt, an unreachable HSM).
    fn sign_hash(&self, hash: &[u8; 32]) -> Result<[u8; 64], Error>;

    /// The account id.
    fn account_id(&self) -> AccountId {
        AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(self.public_key())))
    }

    /// The account as a contract address.
    fn address(&self) -> ScAddress {
        ScAddress::Account(self.account_id())
    }

    /// The account address, `G…`.
    fn public_strkey(&self) -> String {
        self.account_id().to_string()
    }

    /// A decorated signature of a transaction hash (hint: the key's last 4 bytes).
    ///
    /// # Errors
    /// As [`Sign::sign_hash`].
    fn decorated(&self, hash: &[u8; 32]) -> Result<DecoratedSignature, Error> {
        let p = self.public_key();
        Ok(DecoratedSignature {
            hint: SignatureHint([p[28], p[29], p[30], p[31]]),
            signature: Signature(
                self.sign_hash(hash)?
                    .to_vec()
                    .try_into()
                    .unwrap_or_default(),
            ),
        })
    }

    /// Signs an address-credential authorization entry valid until ledger `expiration`: the
    /// signature covers `sha256(HashIdPreimage::SorobanAuthorization)` (CAP-46-11), and the
    /// credential carries `Vec[Map{public_key, signature}]`, the account contract's format.
    /// Entries with other credentials come back unchanged.
    ///
    /// # Errors
    /// As [`Sign::sign_hash`].
    fn authorize(
        &self,
        mut entry: SorobanAuthorizationEntry,
        network_id: [u8; 32],
        expiration: u32,
    ) -> Result<SorobanAuthorizationEntry, Error> {
        let SorobanCredentials::Address(creds) = &mut entry.credentials else {
            return Ok(entry);
        };
        let preimage = HashIdPreimage::SorobanAuthorization(HashIdPreimageSorobanAuthorization {
            network_id: Hash(network_id),
            nonce: creds.nonce,
            signature_expiration_ledger: expiration,
            invocation: entry.root_invocation.clone(),
        });
        let payload: [u8; 32] =
            Sha256::digest(preimage.to_xdr(Limits::none()).unwrap_or_default()).into();
        let bytes = |b: Vec<u8>| ScVal::Bytes(ScBytes(b.try_into().unwrap_or_default()));
        let pair = vec![
            ScMapEntry {
                key: symbol("public_key"),
                val: bytes(self.public_key().to_vec()),
            },
            ScMapEntry {
                key: symbol("signature"),
                val: bytes(self.sign_hash(&payload)?.to_vec()),
            },
        ];
        let map = ScVal::Map(Some(ScMap(pair.try_into().unwrap_or_default())));
        creds.signature = ScVal::Vec(Some(ScVec(vec![map].try_into().unwrap_or_default())));
        creds.signature_expiration_ledger = expiration;
        Ok(entry)
    }
}

/// An account's ed25519 key, in memory.
#[derive(Clone)]
pub struct Signer(SigningKey);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({})", self.public_strkey())
    }
}

impl Signer {
    /// The key of a secret seed (`S…`, SEP-23 strkey).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] if `seed` isn't a secret seed.
    pub fn from_secret(seed: &str) -> Result<Self, Error> {
        let key = stellar_strkey::ed25519::PrivateKey::from_string(seed.trim())
            .map_err(|_| Error::InvalidKey("not a secret seed (S…)".into()))?;
        Ok(Self(SigningKey::from_bytes(&key.0)))
    }

    /// The key with these 32 seed bytes.
    pub fn from_bytes(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    /// A new key from the operating system's RNG.
    ///
    /// # Panics
    /// If the operating system has no random source (`getrandom` fails): no safe key exists.
    pub fn random() -> Self {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the operating system's random source");
        Self::from_bytes(seed)
    }

    /// The secret seed, `S…`.
    pub fn secret_strkey(&self) -> String {
        stellar_strkey::Unredacted(&stellar_strkey::ed25519::PrivateKey(self.0.to_bytes()))
            .to_string()
            .as_str()
            .to_string()
    }

    /// The public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// The account address, `G…`.
    pub fn public_strkey(&self) -> String {
        Sign::public_strkey(self)
    }

    /// The account id.
    pub fn account_id(&self) -> AccountId {
        Sign::account_id(self)
    }

    /// The account as a contract address.
    pub fn address(&self) -> ScAddress {
        Sign::address(self)
    }

    /// An ed25519 signature of `message` (any length; a claim key signs a 32-byte message).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl Sign for Signer {
    fn public_key(&self) -> [u8; 32] {
        Signer::public_key(self)
    }

    fn sign_hash(&self, hash: &[u8; 32]) -> Result<[u8; 64], Error> {
        Ok(self.sign(hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_seeds_round_trip_and_bad_ones_are_refused() {
        let s = Signer::from_bytes([9; 32]);
        let again = Signer::from_secret(&s.secret_strkey()).unwrap();
        assert_eq!(again.public_key(), s.public_key());
        assert!(s.public_strkey().starts_with('G'));
        assert_ne!(Signer::random().public_key(), Signer::random().public_key());
        assert!(matches!(
            Signer::from_secret("GABC"),
            Err(Error::InvalidKey(_))
        ));
        assert!(matches!(
            Signer::from_secret(&s.public_strkey()),
            Err(Error::InvalidKey(_))
        ));
    }
}
