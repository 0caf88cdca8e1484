//! Basic authentication from a credentials file of hashed secrets.
//!
//! The file has one credential per line, `key:PHC-hash`, where the hash is an Argon2id
//! PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) as [`hash_secret`] makes
//! it; blank lines and lines starting with `#` are ignored. A key is the Basic user name
//! and must not contain `:`. Argon2 is deliberately slow (tens of milliseconds), so a
//! header that verified once is remembered by its SHA-256 (never in clear) and later
//! requests cost one hash, not one Argon2 run.

use crate::error::LrsError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

/// The home page of the accounts the LRS puts in `authority`.
pub const AUTHORITY_HOME: &str = "http://localhost/pelita-lrs";

/// The `authority` of statements stored with `key`'s credentials.
pub fn authority(key: &str) -> Value {
    json!({ "objectType": "Agent", "name": key, "account": { "homePage": AUTHORITY_HOME, "name": key } })
}

/// Hashes a secret for the credentials file (Argon2id with a random salt).
pub fn hash_secret(secret: &str) -> Result<String, LrsError> {
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
        .map_err(|e| LrsError::Credentials(format!("cannot make a salt: {e}")))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| LrsError::Credentials(format!("cannot hash the secret: {e}")))
}

/// One line of a credentials file for `key` and `secret`.
pub fn credential_line(key: &str, secret: &str) -> Result<String, LrsError> {
    if key.is_empty() || key.contains(':') || key.contains(char::is_whitespace) {
        return Err(LrsError::Credentials(
            "a key must be non-empty, without ':' or spaces".into(),
        ));
    }
    Ok(format!("{key}:{}", hash_secret(secret)?))
}

/// The accepted credentials.
#[derive(Debug)]
pub struct Credentials {
    hashes: HashMap<String, String>,
    /// SHA-256 of Authorization headers already verified, with their key.
    verified: Mutex<HashMap<[u8; 32], String>>,
}

impl Credentials {
    /// Reads a credentials file; a malformed line is an error naming the line.
    pub fn load(path: &Path) -> Result<Credentials, LrsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LrsError::Credentials(format!("{}: {e}", path.display())))?;
        Credentials::parse(&text).map_err(|e| match e {
            LrsError::Credentials(m) => LrsError::Credentials(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Reads the text of a credentials file.
    pub fn parse(text: &str) -> Result<Credentials, LrsError> {
        let mut hashes = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, hash)) = line.split_once(':') else {
                return Err(LrsError::Credentials(format!(
                    "line {}: expected key:hash",
                    n + 1
                )));
            };
            PasswordHash::new(hash).map_err(|e| {
                LrsError::Credentials(format!("line {}: not a PHC hash ({e})", n + 1))
            })?;
            hashes.insert(key.to_string(), hash.to_string());
        }
        if hashes.is_empty() {
            return Err(LrsError::Credentials("no credential in the file".into()));
        }
        Ok(Credentials {
            hashes,
            verified: Mutex::new(HashMap::new()),
        })
    }

    /// The key whose credentials the `Authorization` header carries, or `Unauthorized`.
    pub fn check(&self, header: Option<&str>) -> Result<String, LrsError> {
        let header = header.ok_or(LrsError::Unauthorized)?;
        let fingerprint: [u8; 32] = Sha256::digest(header.as_bytes()).into();
        if let Ok(cache) = self.verified.lock() {
            if let Some(key) = cache.get(&fingerprint) {
                return Ok(key.clone());
            }
        }
        let (scheme, encoded) = header
            .trim()
            .split_once(' ')
            .ok_or(LrsError::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(LrsError::Unauthorized);
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| LrsError::Unauthorized)?;
        let decoded = String::from_utf8(decoded).map_err(|_| LrsError::Unauthorized)?;
        let (key, secret) = decoded.split_once(':').ok_or(LrsError::Unauthorized)?;
        let hash = self.hashes.get(key).ok_or(LrsError::Unauthorized)?;
        let parsed = PasswordHash::new(hash).map_err(|_| LrsError::Unauthorized)?;
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .map_err(|_| LrsError::Unauthorized)?;
        if let Ok(mut cache) = self.verified.lock() {
            // A bound, so that a client cycling through valid headers cannot grow it forever.
            if cache.len() >= 1024 {
                cache.clear();
            }
            cache.insert(fingerprint, key.to_string());
        }
        Ok(key.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, secret: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
        )
    }

    #[test]
    fn a_file_line_accepts_its_secret_only() {
        let line = credential_line("office", "s3cret:with colon").expect("line");
        let creds = Credentials::parse(&format!("# pilot\n\n{line}\n")).expect("parse");
        assert_eq!(
            creds
                .check(Some(&basic("office", "s3cret:with colon")))
                .expect("ok"),
            "office"
        );
        // Twice: the second answer comes from the cache.
        assert_eq!(
            creds
                .check(Some(&basic("office", "s3cret:with colon")))
                .expect("ok"),
            "office"
        );
        assert!(matches!(
            creds.check(Some(&basic("office", "wrong"))),
            Err(LrsError::Unauthorized)
        ));
        assert!(matches!(
            creds.check(Some(&basic("other", "s3cret:with colon"))),
            Err(LrsError::Unauthorized)
        ));
        assert!(matches!(
            creds.check(Some("Bearer x")),
            Err(LrsError::Unauthorized)
        ));
        assert!(matches!(
            creds.check(Some("Basic !!!")),
            Err(LrsError::Unauthorized)
        ));
        assert!(matches!(creds.check(None), Err(LrsError::Unauthorized)));
        assert!(!line.contains("s3cret"));
    }

    #[test]
    fn malformed_files_name_the_line() {
        let err = Credentials::parse("# c\nno-colon-here\n").expect_err("bad");
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = Credentials::parse("k:plaintext\n").expect_err("bad");
        assert!(err.to_string().contains("line 1"), "{err}");
        assert!(Credentials::parse("# nothing\n").is_err());
        assert!(credential_line("a:b", "x").is_err());
    }
}
