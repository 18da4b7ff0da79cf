//! Images in chat content parts: what the fine-tuning service accepts, read from
//! the data itself — `data:` URLs are decoded and their headers sniffed (JPEG, PNG, WEBP);
//! remote URLs are never fetched — and what an image costs in tokens ([`image_tokens`]).
//!
//! Limits live in `rules/vision.json`.

pub mod data_url;
pub mod sniff;
pub mod tokens;

pub use data_url::{decode_prefix, decoded_len, is_remote, parse_data_url, DataUrl, B64};
pub use sniff::{sniff, ImageInfo, ImageKind};
pub use tokens::{image_tokens, messages_image_tokens, part_tokens};

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
    serde_json::from_str(include_str!("../../rules/vision.json")).expect("vision.json parses")
});

/// The part's `type`, when it is a string.
pub fn part_type(part: &Value) -> Option<&str> {
    part.get("type").and_then(Value::as_str)
}
