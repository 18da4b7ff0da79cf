//! Images in chat content parts: what the fine-tuning service accepts (C018, C019), read from
//! the data itself — `data:` URLs are decoded and their headers sniffed (JPEG, PNG, WEBP);
//! remote URLs are never fetched — and what an image costs in tokens ([`image_tokens`]).
//!
//! Limits live in `rules/vision.json`.

use super::{c018_unsupported_content_part as c018, c019_invalid_image as c019, Conversation};
use crate::json::Pointer;
use crate::rules::LineCtx;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use std::sync::LazyLock;

/// The service's image limits for fine-tuning.
#[derive(Debug, Clone, Deserialize)]
pub struct Limits {
    /// Largest decoded image, in bytes.
    pub max_image_bytes: u64,
    /// Most image parts in one example.
    pub max_images_per_example: usize,
}

pub static LIMITS: LazyLock<Limits> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../rules/vision.json")).expect("vision.json parses")
});

/// Base64 as data URLs carry it: the standard alphabet, padding optional (browsers and
/// Python's encoder both pad, hand-built URLs sometimes do not).
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An image container, by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    /// Recognised but not accepted: GIF, BMP, TIFF, SVG, HEIC, AVIF (the name).
    Other(&'static str),
    Unknown,
}

impl ImageKind {
    pub fn accepted(self) -> bool {
        matches!(self, ImageKind::Jpeg | ImageKind::Png | ImageKind::Webp)
    }

    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "JPEG",
            ImageKind::Png => "PNG",
            ImageKind::Webp => "WEBP",
            ImageKind::Other(n) => n,
            ImageKind::Unknown => "not a known image format",
        }
    }
}

/// What an image's header tells, as far as the bytes at hand go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageKind,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The colour mode when the header states one the service rejects (`grayscale`, `CMYK`,
    /// …); `None` for RGB/RGBA or when the header does not say.
    pub bad_color_mode: Option<&'static str>,
}

/// Reads the container, dimensions and colour mode from an image's first bytes. Never panics;
/// truncated or garbled headers give `None` fields.
pub fn sniff(b: &[u8]) -> ImageInfo {
    let mut info = ImageInfo {
        kind: ImageKind::Unknown,
        width: None,
        height: None,
        bad_color_mode: None,
    };
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        info.kind = ImageKind::Jpeg;
        if let Some((w, h, components)) = jpeg_sof(b) {
            info.width = Some(w);
            info.height = Some(h);
            info.bad_color_mode = match components {
                1 => Some("grayscale"),
                4 => Some("CMYK"),
                _ => None,
            };
        }
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        info.kind = ImageKind::Png;
        // The first chunk is IHDR: length, "IHDR", width, height, bit depth, colour type.
        if b.len() >= 26 && &b[12..16] == b"IHDR" {
            info.width = Some(be32(&b[16..20]));
            info.height = Some(be32(&b[20..24]));
            info.bad_color_mode = match b[25] {
                0 => Some("grayscale"),
                3 => Some("palette (indexed colour)"),
                4 => Some("grayscale with alpha"),
                _ => None,
            };
        }
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        info.kind = ImageKind::Webp;
        if let Some((w, h)) = webp_size(b) {
            info.width = Some(w);
            info.height = Some(h);
        }
    } else {
        info.kind = other_kind(b);
    }
    info
}

fn other_kind(b: &[u8]) -> ImageKind {
    let starts = |p: &[u8]| b.starts_with(p);
    if starts(b"GIF87a") || starts(b"GIF89a") {
        ImageKind::Other("GIF")
    } else if starts(b"BM") {
        ImageKind::Other("BMP")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        ImageKind::Other("TIFF")
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" {
        match &b[8..12] {
            b"avif" | b"avis" => ImageKind::Other("AVIF"),
            b"heic" | b"heix" | b"mif1" | b"msf1" => ImageKind::Other("HEIC"),
            _ => ImageKind::Unknown,
        }
    } else {
        let head = String::from_utf8_lossy(&b[..b.len().min(256)]).to_ascii_lowercase();
        if head.contains("<svg") {
            ImageKind::Other("SVG")
        } else {
            ImageKind::Unknown
        }
    }
}

fn be16(b: &[u8]) -> u32 {
    u32::from(b[0]) << 8 | u32::from(b[1])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn le16(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8
}

fn le24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

/// Width, height and component count from a JPEG's start-of-frame segment.
fn jpeg_sof(b: &[u8]) -> Option<(u32, u32, u8)> {
    let mut i = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while *b.get(i)? == 0xFF && *b.get(i + 1)? == 0xFF {
            i += 1;
        }
        if *b.get(i)? != 0xFF {
            return None;
        }
        let marker = *b.get(i + 1)?;
        i += 2;
        if matches!(marker, 0xD0..=0xD9 | 0x01) {
            continue; // standalone markers have no length
        }
        let len = be16(b.get(i..i + 2)?) as usize;
        if len < 2 {
            return None;
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let seg = b.get(i + 2..i + 8)?;
            let (h, w) = (be16(&seg[1..3]), be16(&seg[3..5]));
            return Some((w, h, seg[5]));
        }
        if marker == 0xDA {
            return None; // image data started without a frame header
        }
        i += len;
    }
}

/// Canvas size from a WEBP's first chunk (VP8X, VP8L or VP8).
fn webp_size(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8X" => {
            let c = b.get(24..30)?;
            Some((le24(&c[0..3]) + 1, le24(&c[3..6]) + 1))
        }
        b"VP8L" => {
            let c = b.get(20..25)?;
            if c[0] != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes([c[1], c[2], c[3], c[4]]);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8 " => {
            let c = b.get(20..30)?;
            if c[3..6] != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le16(&c[6..8]) & 0x3FFF, le16(&c[8..10]) & 0x3FFF))
        }
        _ => None,
    }
}

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

/// How `url` is classed for fine-tuning.
pub fn is_remote(url: &str) -> bool {
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://")
}

/// The tokens one image costs, by OpenAI's documented formula for its vision models.
///
/// - `low`: a flat 85.
/// - `high` and `auto` (and anything else, which the schema reports): the image is scaled to
///   fit in 2048×2048, then so that its shortest side is at most 768 px; each 512 px tile of
///   the result costs 170, plus 85 for the whole.
/// - Unknown dimensions (a remote URL, an unreadable header): taken as a square of 768 px or
///   more, 4 tiles, 765 tokens — the common case for photos, not an upper bound (a long
///   strip can cost up to 8 tiles, 1,445).
pub fn image_tokens(detail: &str, width: Option<u32>, height: Option<u32>) -> u64 {
    const BASE: u64 = 85;
    const TILE: u64 = 170;
    if detail == "low" {
        return BASE;
    }
    let (Some(w), Some(h)) = (width, height) else {
        return BASE + 4 * TILE;
    };
    if w == 0 || h == 0 {
        return BASE;
    }
    let (mut w, mut h) = (f64::from(w), f64::from(h));
    let fit = (2048.0 / w.max(h)).min(1.0);
    w *= fit;
    h *= fit;
    let short = (768.0 / w.min(h)).min(1.0);
    w *= short;
    h *= short;
    let tiles = (w / 512.0).ceil() as u64 * (h / 512.0).ceil() as u64;
    BASE + TILE * tiles
}

/// The tokens of one `image_url` content part, reading dimensions from a data URL's header
/// (only its first 64 KiB are decoded). `None` for parts that are not images.
pub fn part_tokens(part: &Value) -> Option<u64> {
    if part.get("type").and_then(Value::as_str) != Some("image_url") {
        return None;
    }
    let image = part.get("image_url")?;
    let detail = image
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or("auto");
    let url = image.get("url").and_then(Value::as_str).unwrap_or("");
    let (w, h) = parse_data_url(url)
        .filter(|d| d.base64)
        .and_then(|d| decode_prefix(d.payload, 64 * 1024))
        .map(|bytes| {
            let info = sniff(&bytes);
            (info.width, info.height)
        })
        .unwrap_or((None, None));
    Some(image_tokens(detail, w, h))
}

/// The image tokens of an example's messages (every `image_url` part).
pub fn messages_image_tokens(messages: &[Value]) -> u64 {
    messages
        .iter()
        .filter_map(|m| m.get("content")?.as_array())
        .flatten()
        .filter_map(part_tokens)
        .sum()
}

/// C018 and C019 over a conversation's content parts.
pub fn check(ctx: &mut LineCtx<'_>, conv: &Conversation<'_>) {
    let (c018_on, c019_on) = (ctx.enabled(&c018::RULE), ctx.enabled(&c019::RULE));
    if !c018_on && !c019_on {
        return;
    }
    let mut images = 0usize;
    for (i, m) in conv.messages.iter().enumerate() {
        let Some(parts) = m.get("content").and_then(Value::as_array) else {
            continue;
        };
        for (j, part) in parts.iter().enumerate() {
            let p = conv.pointer(i).key("content").index(j);
            match part.get("type").and_then(Value::as_str) {
                Some(kind @ ("input_audio" | "file")) if c018_on => {
                    ctx.report(c018::unsupported(p.key("type"), kind));
                }
                Some("image_url") => {
                    if conv.roles[i] == Some("assistant") && c018_on {
                        ctx.report(c018::image_in_assistant(p.key("type")));
                    }
                    images += 1;
                    if c019_on {
                        if images == LIMITS.max_images_per_example + 1 {
                            let total = count_images(conv);
                            ctx.report(c019::too_many(p.clone(), total, &LIMITS));
                        }
                        if let Some(url) = part
                            .get("image_url")
                            .and_then(|u| u.get("url"))
                            .and_then(Value::as_str)
                        {
                            check_url(ctx, p.key("image_url").key("url"), url);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn count_images(conv: &Conversation<'_>) -> usize {
    conv.messages
        .iter()
        .filter_map(|m| m.get("content")?.as_array())
        .flatten()
        .filter(|p| p.get("type").and_then(Value::as_str) == Some("image_url"))
        .count()
}

fn check_url(ctx: &mut LineCtx<'_>, p: Pointer, url: &str) {
    if is_remote(url) {
        return; // never fetched: what it holds is the service's to find out
    }
    let Some(data) = parse_data_url(url) else {
        ctx.report(c019::bad_scheme(p, url));
        return;
    };
    if !data.base64 {
        ctx.report(c019::not_base64(p, data.media_type));
        return;
    }
    let size = decoded_len(data.payload);
    if size > LIMITS.max_image_bytes {
        ctx.report(c019::too_large(p, size, &LIMITS));
        return;
    }
    let bytes = match B64.decode(data.payload) {
        Ok(b) => b,
        Err(e) => {
            let (what, at) = match e {
                base64::DecodeError::InvalidByte(i, b)
                | base64::DecodeError::InvalidLastSymbol(i, b) => (
                    format!(
                        "`{}` at payload character {}",
                        char::from(b).escape_default(),
                        i + 1
                    ),
                    Some(i),
                ),
                base64::DecodeError::InvalidLength(n) => {
                    (format!("{n} symbols is not a valid length"), None)
                }
                base64::DecodeError::InvalidPadding => ("bad padding".to_owned(), None),
            };
            // Point at the bad character itself when the URL is written without escapes.
            let span = at.and_then(|i| raw_span(ctx.text, &p, url, data.payload_start + i));
            ctx.report(c019::bad_base64(p, &what, span));
            return;
        }
    };
    let info = sniff(&bytes);
    if !info.kind.accepted() {
        ctx.report(c019::bad_kind(p, info.kind, data.media_type));
    } else if let Some(mode) = info.bad_color_mode {
        ctx.report(c019::bad_color_mode(p, info.kind, mode));
    }
}

/// The byte range, in the line, of the character at byte `at` of the string at `p`, when the
/// string's raw JSON text up to there has no escapes (so raw and decoded offsets agree).
fn raw_span(text: &str, p: &Pointer, value: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let located = crate::json::locate::locate(text, p)?;
    let start = located.value.start + 1; // after the opening quote
    let len = value[at..].chars().next()?.len_utf8();
    let raw = text.get(start..start + at + len)?;
    (raw == &value[..at + len]).then(|| start + at..start + at + len)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A minimal PNG header: signature and IHDR with the given size and colour type.
    pub fn png(w: u32, h: u32, color_type: u8) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, color_type, 0, 0, 0]);
        b.extend([0; 4]);
        b
    }

    pub fn jpeg(w: u16, h: u16, components: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        b.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend([0xFF, 0xC0, 0, 17, 8]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.push(components);
        b.extend([0; 9]);
        b
    }

    #[test]
    fn tokens_follow_the_documented_examples() {
        assert_eq!(image_tokens("low", Some(4096), Some(8192)), 85);
        // 1024×1024 → 768×768: 4 tiles.
        assert_eq!(image_tokens("high", Some(1024), Some(1024)), 765);
        // 2048×4096 → 1024×2048 → 768×1536: 2×3 tiles.
        assert_eq!(image_tokens("high", Some(2048), Some(4096)), 1105);
        // Small images are not scaled up: 512×512 is one tile.
        assert_eq!(image_tokens("auto", Some(512), Some(512)), 255);
        assert_eq!(image_tokens("auto", Some(513), Some(100)), 425);
        assert_eq!(image_tokens("high", None, Some(10)), 765);
        assert_eq!(image_tokens("high", Some(0), Some(10)), 85);
        assert_eq!(image_tokens("high", Some(u32::MAX), Some(1)), 85 + 170 * 4);
    }

    #[test]
    fn sniffs_headers() {
        let i = sniff(&png(640, 480, 6));
        assert_eq!(
            (i.kind, i.width, i.height, i.bad_color_mode),
            (ImageKind::Png, Some(640), Some(480), None)
        );
        assert_eq!(sniff(&png(1, 1, 0)).bad_color_mode, Some("grayscale"));
        let j = sniff(&jpeg(800, 600, 3));
        assert_eq!(
            (j.kind, j.width, j.height, j.bad_color_mode),
            (ImageKind::Jpeg, Some(800), Some(600), None)
        );
        assert_eq!(sniff(&jpeg(8, 8, 4)).bad_color_mode, Some("CMYK"));
        let mut vp8x = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0".to_vec();
        vp8x.extend([0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00]);
        let w = sniff(&vp8x);
        assert_eq!(
            (w.kind, w.width, w.height),
            (ImageKind::Webp, Some(640), Some(480))
        );
        let mut vp8l = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        let bits: u32 = 99 | (49 << 14);
        vp8l.extend(bits.to_le_bytes());
        assert_eq!(sniff(&vp8l).width, Some(100));
        assert_eq!(sniff(&vp8l).height, Some(50));
        assert_eq!(sniff(b"GIF89a....").kind, ImageKind::Other("GIF"));
        assert_eq!(sniff(b"<?xml?><svg>").kind, ImageKind::Other("SVG"));
        assert_eq!(sniff(b"").kind, ImageKind::Unknown);
        // Truncated headers give no dimensions, and no panic.
        for cut in 0..40 {
            let b = jpeg(8, 8, 3);
            let _ = sniff(&b[..cut.min(b.len())]);
            let p = png(8, 8, 2);
            let _ = sniff(&p[..cut.min(p.len())]);
            let _ = sniff(&vp8x[..cut.min(vp8x.len())]);
        }
    }

    proptest::proptest! {
        #[test]
        fn sniffing_garbage_never_panics(
            magic in 0usize..4,
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96),
        ) {
            let heads: [&[u8]; 4] = [b"", &[0xFF, 0xD8, 0xFF], b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8 "];
            let mut b = heads[magic].to_vec();
            b.extend(tail);
            let info = sniff(&b);
            proptest::prop_assert!(info.width.is_none() || info.kind.accepted());
        }

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

    #[test]
    fn part_tokens_read_data_url_headers() {
        let url = format!("data:image/png;base64,{}", B64.encode(png(2048, 4096, 2)));
        let part = serde_json::json!({"type": "image_url", "image_url": {"url": url}});
        assert_eq!(part_tokens(&part), Some(1105));
        let low = serde_json::json!({"type": "image_url", "image_url": {"url": "https://x/a.png", "detail": "low"}});
        assert_eq!(part_tokens(&low), Some(85));
        assert_eq!(
            part_tokens(&serde_json::json!({"type": "text", "text": "x"})),
            None
        );
        let msgs = vec![serde_json::json!({"role": "user", "content": [part, low]})];
        assert_eq!(messages_image_tokens(&msgs), 1190);
    }
}
