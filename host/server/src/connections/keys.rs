//! Keys: AES-256-GCM for provider tokens at rest (random nonce, key id stored beside each
//! ciphertext so keys can rotate), HMAC-SHA256 for OAuth state, and HMAC-SHA256 for the
//! audit chain's signed head and checkpoints. All kept outside the database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::{Config, Secret};

/// The keys of one deployment.
#[derive(Clone)]
pub struct KeyRing {
    keys: BTreeMap<String, [u8; 32]>,
    active: String,
    state_key: [u8; 32],
    audit_key: [u8; 32],
    file: Option<PathBuf>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .field("active", &self.active)
            .finish()
    }
}

/// The key file's shape.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    active: String,
    keys: BTreeMap<String, String>,
    state_key: String,
    /// Added after the first key files were written: missing in those, created on load.
    #[serde(default)]
    audit_key: Option<String>,
}

fn decode_key(name: &str, text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = STANDARD
        .decode(text.trim())
        .with_context(|| format!("key `{name}` is not base64"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("key `{name}` must be 32 bytes"))
}

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    key
}

/// The additional data a token ciphertext is bound to.
fn aad(key_id: &str) -> Vec<u8> {
    format!("stride-token-v1:{key_id}").into_bytes()
}

impl KeyRing {
    /// Keys from the configuration, or from (a newly created) `<data_dir>/keys.json`.
    pub fn load(config: &Config) -> anyhow::Result<Self> {
        let s = &config.secrets;
        if !s.token_keys.is_empty() {
            let keys = s
                .token_keys
                .iter()
                .map(|(id, key)| Ok((id.clone(), decode_key(id, key.expose())?)))
                .collect::<anyhow::Result<BTreeMap<_, _>>>()?;
            let active = s
                .active_token_key
                .clone()
                .or_else(|| keys.keys().last().cloned())
                .unwrap_or_default();
            if !keys.contains_key(&active) {
                bail!("secrets.active_token_key `{active}` is not among secrets.token_keys");
            }
            let state_key = match &s.state_key {
                Some(key) => decode_key("state_key", key.expose())?,
                None => bail!("secrets.state_key is required when secrets.token_keys is set"),
            };
            let audit_key = match &s.audit_key {
                Some(key) => decode_key("audit_key", key.expose())?,
                None => bail!("secrets.audit_key is required when secrets.token_keys is set"),
            };
            return Ok(Self {
                keys,
                active,
                state_key,
                audit_key,
                file: None,
            });
        }
        Self::from_file(&config.data_dir.join("keys.json"))
    }

    /// Keys from `path`, created with fresh random keys when it does not exist.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            if let Some(dir) = path.parent() {
                crate::config::create_private_dir(dir)?;
            }
            let ring = Self {
                keys: BTreeMap::from([("k1".to_owned(), random_key())]),
                active: "k1".to_owned(),
                state_key: random_key(),
                audit_key: random_key(),
                file: Some(path.to_owned()),
            };
            ring.save()?;
            tracing::warn!(path = %path.display(), "created new encryption keys; back this file up with the database");
            return Ok(ring);
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let file: KeyFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a key file", path.display()))?;
        let keys = file
            .keys
            .iter()
            .map(|(id, key)| Ok((id.clone(), decode_key(id, key)?)))
            .collect::<anyhow::Result<_>>()?;
        let missing_audit_key = file.audit_key.is_none();
        let ring = Self {
            keys,
            active: file.active,
            state_key: decode_key("state_key", &file.state_key)?,
            audit_key: match &file.audit_key {
                Some(key) => decode_key("audit_key", key)?,
                None => random_key(),
            },
            file: Some(path.to_owned()),
        };
        if missing_audit_key {
            ring.save()?;
            tracing::warn!(path = %path.display(), "added an audit signing key to the key file; back it up with the database");
        }
        Ok(ring)
    }

    fn save(&self) -> anyhow::Result<()> {
        let Some(path) = &self.file else {
            bail!("these keys come from the configuration; add a key there instead")
        };
        let file = KeyFile {
            active: self.active.clone(),
            keys: self
                .keys
                .iter()
                .map(|(id, key)| (id.clone(), STANDARD.encode(key)))
                .collect(),
            state_key: STANDARD.encode(self.state_key),
            audit_key: Some(STANDARD.encode(self.audit_key)),
        };
        let partial = path.with_extension("partial");
        std::fs::write(&partial, serde_json::to_string_pretty(&file)?)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
        }
        std::fs::rename(&partial, path)?;
        Ok(())
    }

    /// Adds a new key, makes it the active one and saves the key file; returns its id.
    pub fn rotate(&mut self) -> anyhow::Result<String> {
        let next = (1..)
            .map(|n| format!("k{n}"))
            .find(|id| !self.keys.contains_key(id))
            .unwrap_or_else(|| "k0".to_owned());
        self.keys.insert(next.clone(), random_key());
        self.active = next.clone();
        self.save()?;
        Ok(next)
    }

    /// The keys that sign the audit chain.
    pub fn audit_keys(&self) -> crate::audit::AuditKeys {
        crate::audit::AuditKeys::new(
            "a1".to_owned(),
            BTreeMap::from([("a1".to_owned(), self.audit_key)]),
        )
    }

    /// The id new ciphertexts use.
    pub fn active_key(&self) -> &str {
        &self.active
    }

    /// Encrypts a token with the active key: nonce (12 bytes) followed by ciphertext and tag.
    pub fn seal(&self, plaintext: &str) -> anyhow::Result<(Vec<u8>, String)> {
        let key = self
            .keys
            .get(&self.active)
            .context("the active key is missing")?;
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = aad(&self.active);
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| anyhow::anyhow!("encrypting a token failed"))?;
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        Ok((sealed, self.active.clone()))
    }

    /// Decrypts a token sealed with key `key_id`.
    pub fn open(&self, key_id: &str, sealed: &[u8]) -> anyhow::Result<Secret> {
        let key = self
            .keys
            .get(key_id)
            .with_context(|| format!("key `{key_id}` is not available"))?;
        if sealed.len() < 12 + 16 {
            bail!("a stored token is truncated");
        }
        let (nonce, ciphertext) = sealed.split_at(12);
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
        let aad = aad(key_id);
        let plaintext = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| {
                anyhow::anyhow!("a stored token does not decrypt (wrong key or tampered)")
            })?;
        Ok(Secret::new(
            String::from_utf8(plaintext).context("a stored token is not text")?,
        ))
    }

    /// Signs `claims` (JSON) into an opaque, URL-safe state value.
    pub fn sign<T: Serialize>(&self, claims: &T) -> anyhow::Result<String> {
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims)?);
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.state_key).context("state key")?;
        mac.update(body.as_bytes());
        Ok(format!(
            "{body}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        ))
    }

    /// The PKCE code verifier (RFC 7636) of one authorization, derived from its state's nonce
    /// with the state key: nothing to store between the redirect and the callback, and
    /// nobody without the key can compute it from the state the browser carries.
    pub fn pkce_verifier(&self, nonce: &str) -> anyhow::Result<String> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.state_key).context("state key")?;
        mac.update(b"pkce-code-verifier:");
        mac.update(nonce.as_bytes());
        // 32 bytes → 43 characters of base64url, the shortest verifier RFC 7636 allows, from
        // its unreserved alphabet.
        Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// Checks a signed state value and returns its claims.
    pub fn verify<T: serde::de::DeserializeOwned>(&self, state: &str) -> anyhow::Result<T> {
        let (body, signature) = state.split_once('.').context("the state is malformed")?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .context("the state is malformed")?;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.state_key).context("state key")?;
        mac.update(body.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| anyhow::anyhow!("the state was not issued by this Stride"))?;
        Ok(serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(body)
                .context("the state is malformed")?,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (tempfile::TempDir, KeyRing) {
        let dir = tempfile::tempdir().expect("dir");
        let ring = KeyRing::from_file(&dir.path().join("keys.json")).expect("keys");
        (dir, ring)
    }

    #[test]
    fn tokens_round_trip_and_never_repeat_a_nonce() {
        let (_dir, ring) = ring();
        let (a, id) = ring.seal("access-token-123").expect("seal");
        let (b, _) = ring.seal("access-token-123").expect("seal");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(
            !a.windows(6).any(|w| w == b"access"),
            "no plaintext in the ciphertext"
        );
        assert_eq!(
            ring.open(&id, &a).expect("open").expose(),
            "access-token-123"
        );
        let mut tampered = a.clone();
        tampered[20] ^= 1;
        assert!(ring.open(&id, &tampered).is_err());
    }

    #[test]
    fn rotation_keeps_old_tokens_readable_and_persists() {
        let (dir, mut ring) = ring();
        let (old, old_id) = ring.seal("t").expect("seal");
        let new_id = ring.rotate().expect("rotate");
        assert_ne!(old_id, new_id);
        let reloaded = KeyRing::from_file(&dir.path().join("keys.json")).expect("reload");
        assert_eq!(reloaded.active_key(), new_id);
        assert_eq!(
            reloaded
                .open(&old_id, &old)
                .expect("old key still opens")
                .expose(),
            "t"
        );
    }

    #[test]
    fn state_is_signed() {
        let (_dir, ring) = ring();
        let state = ring.sign(&serde_json::json!({ "u": "ann" })).expect("sign");
        let claims: serde_json::Value = ring.verify(&state).expect("verify");
        assert_eq!(claims["u"], "ann");
        let forged = format!("{}x", state);
        assert!(ring.verify::<serde_json::Value>(&forged).is_err());
        let (_other_dir, other) = super::tests::ring();
        assert!(other.verify::<serde_json::Value>(&state).is_err());
    }
}
