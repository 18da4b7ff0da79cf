//! Structural checks of credentials (S001): a match of a secret pattern reports only when its
//! structure is that of a real key — GitHub's CRC32 checksum, a JWT whose header and payload
//! are JSON objects, a private-key block with a base64 body — and it does not read like a
//! placeholder (`XXXX…`, `your-token-here`).
//!
//! The formats are facts published by the providers (sources in `rules/sensitive/s001_secret.toml`);
//! each check here says what it relies on.

use base64::Engine as _;

/// Words that make a key a placeholder (any case) when they stand as a word in it
/// (`sk-your-key-here`, `YOUR_TOKEN_HERE`): inside random characters they are chance (a random
/// 95-character body holds `your` about once in 10⁴).
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "here",
    "example",
    "placeholder",
    "dummy",
    "redacted",
];

/// Runs that make a key a placeholder wherever they appear.
const PLACEHOLDER_RUNS: &[&str] = &["xxxx", "abcdef", "123456"];

/// The body of a token reads like a placeholder: a placeholder word or run, a run of five
/// identical characters, or fewer than 6 distinct characters (a random 20-character hex body
/// has ~11).
pub fn is_placeholder(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    if PLACEHOLDER_RUNS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    let b = lower.as_bytes();
    for w in PLACEHOLDER_WORDS {
        for (at, _) in lower.match_indices(w) {
            let end = at + w.len();
            let before = at == 0 || !b[at - 1].is_ascii_alphanumeric();
            let after = end == b.len() || !b[end].is_ascii_alphanumeric();
            if before && after {
                return true;
            }
        }
    }
    let mut run = 0;
    let mut prev = None;
    for c in body.chars() {
        if Some(c) == prev && c.is_ascii_alphanumeric() {
            run += 1;
            if run >= 4 {
                return true;
            }
        } else {
            run = 0;
        }
        prev = Some(c);
    }
    let mut seen = [false; 128];
    let distinct = body
        .bytes()
        .filter(|b| b.is_ascii() && !std::mem::replace(&mut seen[*b as usize], true))
        .count();
    distinct < 6
}

/// A random token: at least two of upper case, lower case and digits (hex tokens have two),
/// and not a placeholder.
pub fn token(m: &str) -> bool {
    let body = strip_prefix(m);
    let classes = [
        body.bytes().any(|b| b.is_ascii_uppercase()),
        body.bytes().any(|b| b.is_ascii_lowercase()),
        body.bytes().any(|b| b.is_ascii_digit()),
    ];
    classes.iter().filter(|c| **c).count() >= 2 && !is_placeholder(body)
}

/// The part of a match after its provider prefix (`ghp_`, `glpat-`, `xoxb-`, `sk-proj-`…): the
/// prefix itself must not count as the key's randomness (nor its words as placeholders:
/// `github_pat_`, `api_org_`).
fn strip_prefix(m: &str) -> &str {
    // The patterns' own `prefixes` first (`rules/sensitive/s001_secret.toml`).
    if let Some(p) = super::patterns::secret_prefixes()
        .iter()
        .find(|p| m.starts_with(p.as_str()))
    {
        return &m[p.len()..];
    }
    // A user's pattern without `prefixes`: up to the first separator within 8 bytes.
    // Bytes, not a `str` slice: the eighth byte may fall inside a character.
    match m.bytes().take(8).position(|b| b == b'_' || b == b'-') {
        Some(i) => &m[i + 1..],
        None => m,
    }
}

/// GitHub's 40-character tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): 4-character prefix,
/// 30 random base62 characters, then the CRC32 of those 30 characters in base62, 6 characters
/// padded with `0` ("Behind GitHub's new authentication token formats", GitHub blog,
/// 2021-04-05). Longer forms (server-to-server tokens with `_` in the body, fine-grained
/// `github_pat_…`) have no published checksum: they are checked as random tokens.
pub fn github(m: &str) -> bool {
    let bytes = m.as_bytes();
    if bytes.len() == 40
        && m.is_char_boundary(4)
        && m[4..].bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return base62_crc32(&m[4..34]) == m[34..];
    }
    token(m)
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC32 (IEEE, as zlib) of `s`, in base62, left-padded with `0` to 6 characters.
pub fn base62_crc32(s: &str) -> String {
    let mut n = crc32(s.as_bytes());
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// CRC-32/ISO-HDLC (the zlib one), bit by bit: tokens are 30 bytes, a table is not worth it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JSON Web Token (RFC 7519, compact JWS RFC 7515 §7.1): header and payload are base64url of
/// JSON objects; the header names its algorithm (`alg`, required by RFC 7515 §4.1.1). The
/// signature may be empty (unsecured JWT, `alg: none`).
pub fn jwt(m: &str) -> bool {
    let mut parts = m.split('.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let object = |part: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()?;
        match serde_json::from_slice(&raw).ok()? {
            serde_json::Value::Object(o) => Some(o),
            _ => None,
        }
    };
    let Some(h) = object(header) else {
        return false;
    };
    h.get("alg").is_some_and(serde_json::Value::is_string) && object(payload).is_some()
}

/// A private-key block (PEM, RFC 7468; OpenPGP armor, RFC 4880 §6.2): after the `BEGIN` line,
/// optional `Key: value` armor headers, then at least 40 base64 characters that do not read as a
/// placeholder (16+ distinct characters), up to the `END` line or the end of the match. The
/// PGP checksum line (`=XXXX`) is allowed.
pub fn private_key(m: &str) -> bool {
    let Some(after_header) = m
        .find("-----\n")
        .or_else(|| m.find("-----\r\n"))
        .or_else(|| m.get(5..)?.find("-----").map(|i| i + 5))
    else {
        return false;
    };
    let mut body = &m[after_header + 5..];
    if let Some(end) = body.find("-----END") {
        body = &body[..end];
    }
    let mut b64 = 0usize;
    let mut seen = [false; 128];
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // Armor headers: `Proc-Type: 4,ENCRYPTED`, `DEK-Info: …`, `Version: GnuPG v2`.
        if let Some((key, _)) = line.split_once(": ") {
            if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                continue;
            }
        }
        for word in line.split_whitespace() {
            // The OpenPGP CRC24 line.
            if word.len() == 5 && word.starts_with('=') {
                continue;
            }
            for b in word.bytes() {
                if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')) {
                    return false;
                }
                if b != b'=' {
                    b64 += 1;
                    seen[b as usize] = true;
                }
            }
        }
    }
    b64 >= 40 && seen.iter().filter(|s| **s).count() >= 16
}

/// An AWS access key ID: after the 4-character prefix, 16 base32 characters (`A-Z2-7`) that
/// are not a run (`AKIAXXXXXXXXXXXXXXXX`): AWS's documented IDs ("IAM identifiers", unique ID
/// prefixes) are upper-case base32.
pub fn aws_key_id(m: &str) -> bool {
    m.get(4..).is_some_and(|body| !is_placeholder(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example token of the base62 token gist that documents GitHub's format:
    /// `ghp_` + `zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ` + `0mLq17`.
    #[test]
    fn github_checksum_matches_the_published_example() {
        assert_eq!(base62_crc32("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ"), "0mLq17");
        assert!(github("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"));
        assert!(!github("ghp_zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq18"));
        assert!(!github("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn jwt_header_and_payload_are_json() {
        let ok = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert!(jwt(ok));
        // Unsecured: empty signature.
        assert!(jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjMifQ."));
        // gitleaks' sample whose header is not JSON.
        assert!(!jwt(
            "eyJhbGciOieeeiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.a_5icKBDo-8EjUlrfvz2k2k"
        ));
    }

    #[test]
    fn private_key_bodies() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAn6/O8li+SX4m98LLYt/PKSzEmQ++ZBD7Loh9P13f4yQ92EF3\n-----END RSA PRIVATE KEY-----";
        assert!(private_key(pem));
        assert!(!private_key(
            "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----"
        ));
        assert!(!private_key(
            "-----BEGIN PRIVATE KEY-----\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n-----END PRIVATE KEY-----"
        ));
        let pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQWGBGSVV4YBDAClvRnxezIRy2Yv7SFlzC0iFiRF/O/jePSw+XYhvcrTaqSYTGic\n=8xQN\n-----END PGP PRIVATE KEY BLOCK-----";
        assert!(private_key(pgp));
    }

    #[test]
    fn placeholders() {
        assert!(!token("glpat-XXXXXXXXXXX-XXXXXXXX"));
        assert!(!token("sk_live_your_key_here_1234567890"));
        assert!(token("glpat-YJoQ9WmXeHH2fdeeTFJG"));
        assert!(!aws_key_id("AKIAXXXXXXXXXXXXXXXX"));
        assert!(aws_key_id("AKIAR6EDT4SYWB5WKH7D"));
    }
}
