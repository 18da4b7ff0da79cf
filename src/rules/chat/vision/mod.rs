//! Images in chat content parts: what the fine-tuning service accepts (C018, C019), read from
//! the data itself — `data:` URLs are decoded and their headers sniffed (JPEG, PNG, WEBP);
//! remote URLs are never fetched — and what an image costs in tokens ([`image_tokens`]).
//!
//! Limits live in `rules/vision.json`.

pub mod data_url;
pub mod sniff;
pub mod tokens;

pub use data_url::{decode_prefix, decoded_len, is_remote, parse_data_url, DataUrl};
pub use sniff::{sniff, ImageInfo, ImageKind};
pub use tokens::{image_tokens, messages_image_tokens, part_tokens};

use super::{c018_unsupported_content_part as c018, c019_invalid_image as c019, Conversation};
use crate::json::Pointer;
use crate::rules::LineCtx;
use base64::Engine as _;
use data_url::B64;
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
    serde_json::from_str(include_str!("../../../../rules/vision.json")).expect("vision.json parses")
});

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
