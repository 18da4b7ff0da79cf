//! ## What it checks
//! An `image_url` part the service cannot use:
//! - `url` is neither `http(s)://…` nor a `data:` URL (a local path, `file://`, `ftp://`);
//! - a `data:` URL that is not base64, whose base64 does not decode, or whose decoded bytes are
//!   over 10 MB or are not JPEG, PNG or WEBP (by their magic bytes, not the declared type);
//! - an image whose header states a colour mode other than RGB or RGBA (grayscale, palette or
//!   CMYK; PNG and JPEG headers tell it);
//! - more than 10 images in one example (the finding points at the 11th).
//!
//! Remote URLs are never fetched: only `data:` URLs are inspected.
//!
//! ## Why it matters
//! The service rejects the example, after the upload. Local paths work on the machine that
//! wrote the file and nowhere else; GIFs, grayscale scans and CMYK print files are common in
//! exported image sets.
//!
//! ## Example
//! ```jsonl
//! {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "images/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
//! ```
//!
//! ## Configuration
//! None. The limits (10 MB, 10 images) are in `rules/vision.json`.
use crate::vision::{self, ImageKind, Limits};
use base64::Engine as _;
use serde_json::Value;
use crate::diagnostic::{Finding, Target};
use crate::json::Pointer;
use crate::rules::{ExampleCtx, Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    example: Some(check),
    ..RuleDef::new(RuleMeta {
        rule: Rule::C019,
        name: "invalid-image",
        severity: Severity::Error,
        summary: "`image_url.url` not http(s) or `data:`; data URL not JPEG/PNG/WEBP or over 10 MB decoded; more than 10 images",
    })
};

const EMBED: &str =
    "embed the image as `data:image/jpeg;base64,…` (or png, webp), or use an https URL";

fn check(ex: &ExampleCtx<'_>, out: &mut Vec<Finding>) {
    let limits = &*vision::LIMITS;
    for (_, conv) in ex.conversations() {
        let mut images = 0usize;
        for (_, p, part) in conv.parts() {
            if vision::part_type(part) != Some("image_url") {
                continue;
            }
            images += 1;
            if images == limits.max_images_per_example + 1 {
                let total = conv.parts()
                    .filter(|(_, _, part)| vision::part_type(part) == Some("image_url"))
                    .count();
                out.push(too_many(p.clone(), total, limits));
            }
            if let Some(url) = part
                .get("image_url")
                .and_then(|u| u.get("url"))
                .and_then(Value::as_str)
            {
                check_url(ex.text, out, p.key("image_url").key("url"), url);
            }
        }
    }
}

fn check_url(text: &str, out: &mut Vec<Finding>, p: Pointer, url: &str) {
    if vision::is_remote(url) {
        return; // never fetched: what it holds is the service's to find out
    }
    let Some(data) = vision::parse_data_url(url) else {
        out.push(bad_scheme(p, url));
        return;
    };
    if !data.base64 {
        out.push(not_base64(p, data.media_type));
        return;
    }
    let size = vision::decoded_len(data.payload);
    if size > vision::LIMITS.max_image_bytes {
        out.push(too_large(p, size, &vision::LIMITS));
        return;
    }
    let bytes = match vision::B64.decode(data.payload) {
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
            let span = at.and_then(|i| raw_span(text, &p, url, data.payload_start + i));
            out.push(bad_base64(p, &what, span));
            return;
        }
    };
    let info = vision::sniff(&bytes);
    if !info.kind.accepted() {
        out.push(bad_kind(p, info.kind, data.media_type));
    } else if let Some(mode) = info.bad_color_mode {
        out.push(bad_color_mode(p, info.kind, mode));
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

fn at(p: &Pointer, message: String) -> Finding {
    Finding::new(&RULE.meta, Target::Value(p.clone()), message)
}

pub fn bad_scheme(p: Pointer, url: &str) -> Finding {
    let shown: String = url.chars().take(40).collect();
    let shown = if shown.len() < url.len() {
        format!("{shown}…")
    } else {
        shown
    };
    at(
        &p,
        format!(
            "`{}` is `{shown}`; expected an http(s) or `data:` URL",
            p.dotted()
        ),
    )
    .help(EMBED)
}

pub fn not_base64(p: Pointer, media_type: &str) -> Finding {
    at(
        &p,
        format!(
            "`{}` is a `data:{media_type}` URL without `;base64`",
            p.dotted()
        ),
    )
    .help(EMBED)
}

/// `span`: the bad character's bytes in the line, when known; else the whole URL.
pub fn bad_base64(p: Pointer, what: &str, span: Option<std::ops::Range<usize>>) -> Finding {
    let message = format!("`{}` holds invalid base64: {what}", p.dotted());
    let f = match span {
        Some(r) => Finding::new(&RULE.meta, Target::Bytes(r), message),
        None => at(&p, message),
    };
    f.help("re-encode the image with a standard base64 encoder (no line breaks, no URL-safe `-` or `_`)")
}

pub fn too_large(p: Pointer, bytes: u64, limits: &Limits) -> Finding {
    at(
        &p,
        format!(
            "`{}` decodes to {:.1} MB; the limit is {} MB",
            p.dotted(),
            bytes as f64 / 1048576.0,
            limits.max_image_bytes / 1048576
        ),
    )
    .help("downscale or recompress the image (JPEG at 2048 px on the long side is plenty)")
}

pub fn bad_kind(p: Pointer, kind: ImageKind, media_type: &str) -> Finding {
    let declared = if media_type.is_empty() {
        String::new()
    } else {
        format!(" (declared `{media_type}`)")
    };
    let what = match kind {
        ImageKind::Other(name) => format!("is a {name} image"),
        _ => "is not a known image format".to_string(),
    };
    at(
        &p,
        format!(
            "`{}` {what}{declared}; expected JPEG, PNG or WEBP",
            p.dotted()
        ),
    )
    .help("convert the image to JPEG or PNG")
}

pub fn bad_color_mode(p: Pointer, kind: ImageKind, mode: &str) -> Finding {
    at(
        &p,
        format!(
            "`{}` is a {mode} {}; expected RGB or RGBA",
            p.dotted(),
            kind.name()
        ),
    )
    .help("convert the image to RGB (e.g. `Image.convert(\"RGB\")` in Pillow)")
}

pub fn too_many(p: Pointer, total: usize, limits: &Limits) -> Finding {
    at(
        &p,
        format!(
            "the example has {total} images; at most {} are allowed (this is image {})",
            limits.max_images_per_example,
            limits.max_images_per_example + 1
        ),
    )
    .help("split the example, or drop images")
}
