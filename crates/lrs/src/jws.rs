//! Verifying a statement signature's RSA signature with the certificate its JWS header
//! carries (`x5c`, RFC 7515 section 4.1.6): the first certificate of the chain holds the
//! signer's public key. The LRS checks that the signature was made with that key; whether
//! the certificate is one to trust is the reader's decision (xAPI Data 2.6 leaves it there).

use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::Value;
use x509_cert::der::{Decode, Encode};

/// Verifies `signature` (base64url) over `signing_input` (`header.payload`) with the key of
/// the first certificate of `chain`, for `alg` (RS256, RS384 or RS512).
pub fn verify_x5c(
    chain: &Value,
    alg: &str,
    signing_input: &str,
    signature: &str,
) -> Result<(), String> {
    let first = chain
        .as_array()
        .and_then(|c| c.first())
        .and_then(Value::as_str)
        .ok_or("its x5c header is not an array of base64 certificates")?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(first)
        .map_err(|e| format!("its x5c certificate is not base64: {e}"))?;
    let certificate = x509_cert::Certificate::from_der(&der)
        .map_err(|e| format!("its x5c certificate is not an X.509 certificate: {e}"))?;
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| format!("its x5c certificate's key cannot be read: {e}"))?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|e| format!("its x5c certificate's key is not an RSA key: {e}"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .map_err(|e| format!("its signature is not base64url: {e}"))?;
    let signature =
        Signature::try_from(bytes.as_slice()).map_err(|e| format!("its signature: {e}"))?;
    let input = signing_input.as_bytes();
    let verified = match alg {
        "RS256" => VerifyingKey::<rsa::sha2::Sha256>::new(key).verify(input, &signature),
        "RS384" => VerifyingKey::<rsa::sha2::Sha384>::new(key).verify(input, &signature),
        "RS512" => VerifyingKey::<rsa::sha2::Sha512>::new(key).verify(input, &signature),
        other => {
            return Err(format!(
                "its algorithm {other:?} is not RS256, RS384 or RS512"
            ))
        }
    };
    verified
        .map_err(|_| "the RSA signature does not verify with the key of its x5c certificate".into())
}
