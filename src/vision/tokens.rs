//! What images cost in tokens, by OpenAI's documented formula for its vision models.

use super::data_url::{decode_prefix, parse_data_url};
use super::sniff::sniff;
use serde_json::Value;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::data_url::B64;
    use crate::vision::sniff::tests::png;
    use base64::Engine as _;

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
