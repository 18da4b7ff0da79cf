//! `data:` URLs (RFC 2397): splitting, the decoded size from the encoded length alone, and
//! decoding of a prefix or the whole.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// Base64 as data URLs carry it: the standard alphabet, padding optional (browsers and
/// Python's encoder both pad, hand-built URLs sometimes do not).
pub const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A `data:` URL split into its parts (RFC 2397).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataUrl<'a> {
    /// The media type as written, e.g. `image/png` (may be empty).
    pub media_type: &'a str,
    pub base64: bool,
    /// Everything after the comma.
    pub payload: &'a str,
    /// Byte offset of `payload` in the URL.
    pub payload_start: usize,
}

/// Splits a `data:` URL; `None` when `url` is not one or has no comma.
pub fn parse_data_url(url: &str) -> Option<DataUrl<'_>> {
    let scheme = url.get(..5)?;
    if !scheme.eq_ignore_ascii_case("data:") {
        return None;
    }
    let comma = url.find(',')?;
    let header = &url[5..comma];
    let mut params = header.split(';');
    let media_type = params.next().unwrap_or("").trim();
    let base64 = params.any(|p| p.trim().eq_ignore_ascii_case("base64"));
    Some(DataUrl {
        media_type,
        base64,
        payload: &url[comma + 1..],
        payload_start: comma + 1,
    })
}

/// The decoded size of a base64 payload, from its length alone (so an oversized image is
/// reported without being decoded).
pub fn decoded_len(payload: &str) -> u64 {
    let n = payload.trim_end_matches('=').len() as u64;
    n / 4 * 3 + (n % 4).saturating_sub(1)
}

/// The first bytes of a base64 payload, enough for any header ftlint reads; `None` when that
/// prefix is not valid base64.
pub fn decode_prefix(payload: &str, max_bytes: usize) -> Option<Vec<u8>> {
    let chars = (max_bytes.div_ceil(3) * 4).min(payload.len());
    let take = if chars == payload.len() {
        chars
    } else {
        chars / 4 * 4
    };
    B64.decode(payload.get(..take)?).ok()
}

/// Whether `url` is an http(s) URL (which ftlint never fetches).
pub fn is_remote(url: &str) -> bool {
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::part_tokens;

    proptest::proptest! {
        #[test]
        fn data_url_garbage_never_panics(url in "(data:|DATA:|https?://)?[a-zA-Z0-9+/=;,:é -]{0,40}") {
            if let Some(d) = parse_data_url(&url) {
                let _ = decoded_len(d.payload);
                let _ = decode_prefix(d.payload, 8);
            }
            let _ = is_remote(&url);
            let part = serde_json::json!({"type": "image_url", "image_url": {"url": url}});
            proptest::prop_assert!(part_tokens(&part).is_some());
        }
    }

    #[test]
    fn data_urls_and_sizes() {
        let d = parse_data_url("data:image/png;base64,AAAA").unwrap();
        assert_eq!(
            (d.media_type, d.base64, d.payload),
            ("image/png", true, "AAAA")
        );
        assert!(!parse_data_url("DATA:,hi").unwrap().base64);
        assert!(parse_data_url("data:image/png;base64").is_none());
        assert!(parse_data_url("dat").is_none());
        assert!(parse_data_url("dataé:x,y").is_none());
        for n in 0..20usize {
            let raw = vec![7u8; n];
            let enc = B64.encode(&raw);
            assert_eq!(decoded_len(&enc), n as u64, "{enc}");
            assert_eq!(decoded_len(enc.trim_end_matches('=')), n as u64);
        }
        assert!(is_remote("HTTPS://x"));
        assert!(!is_remote("ftp://x"));
        assert!(!is_remote("é"));
    }
}
