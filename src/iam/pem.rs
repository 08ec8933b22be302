//! Just enough PEM, DER and MD5 for certificates and SSH keys: read an X.509 certificate's
//! notAfter, read/write RSA public keys in OpenSSH and PEM (SubjectPublicKeyInfo) form, and the
//! MD5 fingerprint IAM shows for SSH keys. No signature or key-pair checks.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The DER bytes of every `-----BEGIN LABEL-----` block, with their labels.
pub fn blocks(text: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = rest.get(start + 11..)?;
        let label_end = after.find("-----")?;
        let label = after.get(..label_end)?.to_string();
        let body_start = after.get(label_end + 5..)?;
        let end_marker = format!("-----END {label}-----");
        let end = body_start.find(&end_marker)?;
        let b64: String = body_start.get(..end)?.chars().filter(|c| !c.is_whitespace()).collect();
        out.push((label, STANDARD.decode(b64.as_bytes()).ok()?));
        rest = body_start.get(end + end_marker.len()..)?;
    }
    (!out.is_empty()).then_some(out)
}

/// One DER element: tag, content, and what follows it.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (bytes, rest) = rest.split_at_checked(n)?;
        (bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b)), rest)
    };
    let (content, rest) = rest.split_at_checked(len)?;
    Some((tag, content, rest))
}

fn two(s: &str, at: usize) -> Option<u32> {
    s.get(at..at + 2)?.parse().ok()
}

/// An ASN.1 UTCTime (tag 0x17) or GeneralizedTime (0x18) as `YYYY-MM-DDTHH:MM:SSZ`.
fn asn1_time(tag: u8, content: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(content).ok()?;
    let (year, rest) = match tag {
        0x17 => {
            let yy = two(s, 0)?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, s.get(2..)?)
        }
        0x18 => (s.get(..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let (mo, d, h, mi, se) = (
        two(rest, 0)?,
        two(rest, 2)?,
        two(rest, 4)?,
        two(rest, 6)?,
        two(rest, 8)?,
    );
    Some(format!("{year:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z"))
}

/// The fields of a DER X.509 certificate's TBSCertificate from `validity` on.
fn cert_from_validity(der: &[u8]) -> Option<&[u8]> {
    let (0x30, cert, _) = tlv(der)? else { return None };
    let (0x30, tbs, _) = tlv(cert)? else { return None };
    let (mut tag, _, mut rest) = tlv(tbs)?;
    if tag == 0xa0 {
        (tag, _, rest) = tlv(rest)?; // serial number after the explicit version
    }
    if tag != 0x02 {
        return None;
    }
    let (_, _, rest) = tlv(rest)?; // signature algorithm
    let (_, _, rest) = tlv(rest)?; // issuer
    Some(rest)
}

/// The notAfter of a DER X.509 certificate.
pub fn cert_not_after(der: &[u8]) -> Option<String> {
    let (0x30, validity, _) = tlv(cert_from_validity(der)?)? else {
        return None;
    };
    let (_, _, after_not_before) = tlv(validity)?;
    let (tag, content, _) = tlv(after_not_before)?;
    asn1_time(tag, content)
}

/// The DER SubjectPublicKeyInfo (whole element) of a DER X.509 certificate.
pub fn cert_spki(der: &[u8]) -> Option<&[u8]> {
    let (_, _, rest) = tlv(cert_from_validity(der)?)?; // validity
    let (_, _, spki_on) = tlv(rest)?; // subject
    let (0x30, _, after) = tlv(spki_on)? else { return None };
    spki_on.get(..spki_on.len() - after.len())
}

/// The notAfter of the first certificate in a PEM text, or None when it is not a PEM certificate.
pub fn pem_cert_not_after(text: &str) -> Option<String> {
    let blocks = blocks(text)?;
    let (label, der) = blocks.first()?;
    if label != "CERTIFICATE" {
        return None;
    }
    cert_not_after(der)
}

/// An RSA public key as two unsigned big-endian integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaKey {
    /// Public exponent.
    pub e: Vec<u8>,
    /// Modulus.
    pub n: Vec<u8>,
}

fn strip(v: &[u8]) -> Vec<u8> {
    let first = v.iter().position(|b| *b != 0).unwrap_or(v.len());
    v.get(first..).unwrap_or_default().to_vec()
}

/// Two's-complement positive integer content (a leading zero when the high bit is set).
fn signed(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() + 1);
    if v.first().is_none_or(|b| *b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(v);
    out
}

impl RsaKey {
    /// Size of the modulus in bits.
    pub fn bits(&self) -> usize {
        match self.n.first() {
            Some(b) => (self.n.len() - 1) * 8 + (8 - b.leading_zeros() as usize),
            None => 0,
        }
    }

    /// The OpenSSH wire blob: string "ssh-rsa", mpint e, mpint n.
    pub fn ssh_blob(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for part in [b"ssh-rsa".to_vec(), signed(&self.e), signed(&self.n)] {
            out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(0).to_be_bytes());
            out.extend_from_slice(&part);
        }
        out
    }

    /// `ssh-rsa BASE64`.
    pub fn to_ssh(&self) -> String {
        format!("ssh-rsa {}", STANDARD.encode(self.ssh_blob()))
    }

    /// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo).
    pub fn to_pem(&self) -> String {
        let rsa = der(
            0x30,
            &[der(0x02, &signed(&self.n)), der(0x02, &signed(&self.e))].concat(),
        );
        let alg = der(0x30, &[der(0x06, &RSA_OID), vec![0x05, 0x00]].concat());
        let spki = der(0x30, &[alg, der(0x03, &[&[0u8][..], &rsa].concat())].concat());
        let b64 = STANDARD.encode(spki);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        )
    }
}

const RSA_OID: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

fn ssh_string(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = input.split_at_checked(4)?;
    let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
    rest.split_at_checked(len)
}

/// Parses `ssh-rsa BASE64 [comment]` or a PEM RSA public key (SPKI or PKCS#1).
pub fn parse_rsa_public_key(text: &str) -> Option<RsaKey> {
    let text = text.trim();
    if text.starts_with("-----BEGIN") {
        let blocks = blocks(text)?;
        let (label, der_bytes) = blocks.first()?;
        let pkcs1 = match label.as_str() {
            "PUBLIC KEY" => {
                let (0x30, spki, _) = tlv(der_bytes)? else { return None };
                let (0x30, alg, rest) = tlv(spki)? else { return None };
                let (0x06, oid, _) = tlv(alg)? else { return None };
                if oid != RSA_OID {
                    return None;
                }
                let (0x03, bits, _) = tlv(rest)? else { return None };
                bits.get(1..)?.to_vec()
            }
            "RSA PUBLIC KEY" => der_bytes.clone(),
            _ => return None,
        };
        let (0x30, seq, _) = tlv(&pkcs1)? else { return None };
        let (0x02, n, rest) = tlv(seq)? else { return None };
        let (0x02, e, _) = tlv(rest)? else { return None };
        return Some(RsaKey {
            e: strip(e),
            n: strip(n),
        });
    }
    let mut parts = text.split_whitespace();
    if parts.next()? != "ssh-rsa" {
        return None;
    }
    let blob = STANDARD.decode(parts.next()?.as_bytes()).ok()?;
    let (kind, rest) = ssh_string(&blob)?;
    if kind != b"ssh-rsa" {
        return None;
    }
    let (e, rest) = ssh_string(rest)?;
    let (n, rest) = ssh_string(rest)?;
    if !rest.is_empty() {
        return None;
    }
    Some(RsaKey {
        e: strip(e),
        n: strip(n),
    })
}

/// MD5 (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    const SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    let k: Vec<u32> = (0..64)
        .map(|i| (((i + 1) as f64).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let mut state: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap_or([0; 4])))
            .collect();
        let [mut a, mut b, mut c, mut d] = state;
        for (i, ki) in k.iter().enumerate() {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let shift = SHIFTS.get((i / 16) * 4 + i % 4).copied().unwrap_or(0);
            let f = f
                .wrapping_add(a)
                .wrapping_add(*ki)
                .wrapping_add(m.get(g).copied().unwrap_or(0));
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(shift));
        }
        let [s0, s1, s2, s3] = state;
        state = [
            s0.wrapping_add(a),
            s1.wrapping_add(b),
            s2.wrapping_add(c),
            s3.wrapping_add(d),
        ];
    }
    let mut out = [0u8; 16];
    for (o, b) in out.iter_mut().zip(state.iter().flat_map(|w| w.to_le_bytes())) {
        *o = b;
    }
    out
}

/// `aa:bb:…` MD5 fingerprint of bytes.
pub fn md5_fingerprint(data: &[u8]) -> String {
    md5(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_vectors() {
        assert_eq!(hex::encode(md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex::encode(md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        let long = b"12345678901234567890123456789012345678901234567890123456789012345678901234567890";
        assert_eq!(hex::encode(md5(long)), "57edf4a22be3c955ac49da2e2107b67a");
    }

    #[test]
    fn times() {
        assert_eq!(
            asn1_time(0x17, b"491231235959Z").as_deref(),
            Some("2049-12-31T23:59:59Z")
        );
        assert_eq!(
            asn1_time(0x17, b"500101000000Z").as_deref(),
            Some("1950-01-01T00:00:00Z")
        );
        assert_eq!(
            asn1_time(0x18, b"21260101120000Z").as_deref(),
            Some("2126-01-01T12:00:00Z")
        );
    }

    #[test]
    fn rsa_round_trip() {
        let k = RsaKey {
            e: vec![1, 0, 1],
            n: vec![0xc1; 256],
        };
        assert_eq!(k.bits(), 2048);
        assert_eq!(parse_rsa_public_key(&k.to_ssh()), Some(k.clone()));
        assert_eq!(parse_rsa_public_key(&k.to_pem()), Some(k.clone()));
        assert!(parse_rsa_public_key("ssh-rsa !!!").is_none());
        assert!(parse_rsa_public_key("hello").is_none());
    }
}
