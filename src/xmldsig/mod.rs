//! XML-DSig verification for SAML: enveloped RSA signatures over exclusive-c14n subtrees, the
//! profile SAML 2.0 IdPs use. Pure: no I/O, no clock.

pub mod c14n;
pub mod dom;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

pub use dom::{Doc, NodeId};

/// The XML-DSig namespace.
pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Why a signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// The element carries no `ds:Signature` child.
    Missing,
    /// The signature is not of the enveloped, exclusive-c14n, RSA kind, or is malformed.
    Unsupported,
    /// The signed content changed (digest mismatch) or the signature does not match any key.
    Invalid,
}

#[derive(Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    fn digest_method(uri: &str) -> Option<Hash> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Some(Hash::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn signature_method(uri: &str) -> Option<Hash> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => Some(Hash::Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Some(Hash::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn pkcs1(self) -> Pkcs1v15Sign {
        match self {
            Hash::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
            Hash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            Hash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

/// Reads the RSA public key of a DER X.509 certificate.
pub fn certificate_key(der: &[u8]) -> Option<RsaPublicKey> {
    RsaPublicKey::from_public_key_der(crate::iam::pem::cert_spki(der)?).ok()
}

/// Decodes base64 that may be wrapped over several lines, as XML-DSig values usually are.
pub fn base64_lines(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact).ok()
}

fn algorithm(doc: &Doc, id: NodeId) -> &str {
    doc.element(id).and_then(|e| e.attr("Algorithm")).unwrap_or("")
}

/// The `InclusiveNamespaces PrefixList` under a c14n method or transform element.
fn inclusive_prefixes(doc: &Doc, id: NodeId) -> Vec<String> {
    doc.child(id, EXC_C14N, "InclusiveNamespaces")
        .and_then(|n| doc.element(n))
        .and_then(|e| e.attr("PrefixList"))
        .map(|list| list.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Verifies the signature enveloped in `element` (a `ds:Signature` child whose single reference
/// points at the element's `ID`) against any of `keys`. The ID must be unique in the document, so
/// a copy of the signed element elsewhere cannot borrow its signature.
pub fn verify_enveloped(doc: &Doc, element: NodeId, keys: &[RsaPublicKey]) -> Result<(), SignatureError> {
    use SignatureError::{Invalid, Unsupported};
    let signature = doc.child(element, DSIG, "Signature").ok_or(SignatureError::Missing)?;
    let signed_info = doc.child(signature, DSIG, "SignedInfo").ok_or(Unsupported)?;
    let c14n_method = doc
        .child(signed_info, DSIG, "CanonicalizationMethod")
        .ok_or(Unsupported)?;
    if algorithm(doc, c14n_method) != EXC_C14N {
        return Err(Unsupported);
    }
    let signature_method = doc.child(signed_info, DSIG, "SignatureMethod").ok_or(Unsupported)?;
    let signature_hash = Hash::signature_method(algorithm(doc, signature_method)).ok_or(Unsupported)?;
    let mut references = doc.children_named(signed_info, DSIG, "Reference");
    let (Some(reference), None) = (references.next(), references.next()) else {
        return Err(Unsupported);
    };
    let id = doc.element(element).and_then(|e| e.attr("ID")).ok_or(Unsupported)?;
    let uri = doc.element(reference).and_then(|e| e.attr("URI")).unwrap_or("");
    if uri.strip_prefix('#') != Some(id) {
        return Err(Invalid);
    }
    let same_id = doc
        .descendants(0)
        .into_iter()
        .filter(|&n| doc.element(n).and_then(|e| e.attr("ID")) == Some(id))
        .count();
    if same_id != 1 {
        return Err(Invalid);
    }
    let transforms = doc.child(reference, DSIG, "Transforms").ok_or(Unsupported)?;
    let (mut enveloped, mut prefixes) = (false, None);
    for t in doc.children_named(transforms, DSIG, "Transform") {
        match algorithm(doc, t) {
            ENVELOPED => enveloped = true,
            EXC_C14N => prefixes = Some(inclusive_prefixes(doc, t)),
            _ => return Err(Unsupported),
        }
    }
    let (true, Some(prefixes)) = (enveloped, prefixes) else {
        return Err(Unsupported);
    };
    let digest_method = doc.child(reference, DSIG, "DigestMethod").ok_or(Unsupported)?;
    let digest_hash = Hash::digest_method(algorithm(doc, digest_method)).ok_or(Unsupported)?;
    let digest_value = doc.child(reference, DSIG, "DigestValue").ok_or(Unsupported)?;
    let expected = base64_lines(&doc.text(digest_value)).ok_or(Unsupported)?;
    let content = c14n::canonicalize(doc, element, Some(signature), &prefixes).map_err(|_| Unsupported)?;
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        digest_hash.digest(&content).as_slice(),
        expected.as_slice(),
    )) {
        return Err(Invalid);
    }
    let signature_value = doc.child(signature, DSIG, "SignatureValue").ok_or(Unsupported)?;
    let signature_bytes = base64_lines(&doc.text(signature_value)).ok_or(Unsupported)?;
    let info =
        c14n::canonicalize(doc, signed_info, None, &inclusive_prefixes(doc, c14n_method)).map_err(|_| Unsupported)?;
    let hashed = signature_hash.digest(&info);
    keys.iter()
        .any(|k| k.verify(signature_hash.pkcs1(), &hashed, &signature_bytes).is_ok())
        .then_some(())
        .ok_or(Invalid)
}
