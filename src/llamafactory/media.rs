//! What the KTO (F005/A005) and media (F006/F007, A006/A007) rules read of one example of a
//! mapped file: the `kto_tag` value, and each media column with its placeholders and paths.

use super::{Mapping, FACTS};
use crate::format::Format;
use crate::json::Pointer;
use serde_json::Value;

/// The media columns and their placeholder in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Images,
    Videos,
    Audios,
}

impl Media {
    pub const ALL: [Media; 3] = [Media::Images, Media::Videos, Media::Audios];

    pub fn column(self) -> &'static str {
        match self {
            Media::Images => "images",
            Media::Videos => "videos",
            Media::Audios => "audios",
        }
    }

    /// `<image>`, `<video>`, `<audio>` (LLaMA-Factory's constants).
    pub fn placeholder(self) -> &'static str {
        FACTS
            .placeholders
            .get(self.column())
            .map_or("", String::as_str)
    }
}

/// A mapped `kto_tag` whose value is not a boolean: LLaMA-Factory's converters read the
/// example as KTO only when `isinstance(example[kto_tag], bool)`, and otherwise as a plain
/// supervised (or ranking) example, silently.
pub struct KtoIssue<'v> {
    /// In the view's names.
    pub pointer: Pointer,
    /// The value (`None`: the key is missing, which the `datasets` loader reads as null).
    pub value: Option<&'v Value>,
}

pub fn kto_issue<'v>(m: &Mapping, view: &'v Value) -> Option<KtoIssue<'v>> {
    let user = m.kto_tag.as_deref()?;
    let key = m.in_view(user);
    let value = view.get(&key);
    if value.is_some_and(Value::is_boolean) {
        return None;
    }
    Some(KtoIssue {
        pointer: Pointer::root().key(&key),
        value,
    })
}

/// One media column of one example, as LLaMA-Factory's converter and multimodal plugins read
/// it.
pub struct MediaUse<'v> {
    pub media: Media,
    /// The column, in the view's names (`images`).
    pub pointer: Pointer,
    /// How many items `_find_medias` makes of the value: none for null or `[]`, one for a
    /// lone value, else the list's length.
    pub listed: usize,
    /// `<image>` (…) placeholders in the example's turns (the system prompt is not a turn).
    pub placeholders: usize,
    /// The string items (paths or URLs) with their pointers.
    pub paths: Vec<(Pointer, &'v str)>,
}

/// The media columns the entry maps, for one example (the view).
pub fn media<'v>(m: &Mapping, view: &'v Value) -> Vec<MediaUse<'v>> {
    let texts = turn_texts(m, view);
    Media::ALL
        .iter()
        .filter_map(|&media| {
            let user = m.media_column(media)?;
            let key = m.in_view(user);
            let pointer = Pointer::root().key(&key);
            let value = view.get(&key);
            let (listed, paths) = match value {
                None | Some(Value::Null) => (0, Vec::new()),
                Some(Value::Array(items)) => (
                    items.len(),
                    items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| Some((pointer.index(i), v.as_str()?)))
                        .collect(),
                ),
                Some(v) => (
                    1,
                    v.as_str()
                        .map(|s| (pointer.clone(), s))
                        .into_iter()
                        .collect(),
                ),
            };
            let placeholders = texts
                .iter()
                .map(|t| t.matches(media.placeholder()).count())
                .sum();
            Some(MediaUse {
                media,
                pointer,
                listed,
                placeholders,
                paths,
            })
        })
        .collect()
}

/// The texts of an example's turns as LLaMA-Factory's converter builds them (what its
/// multimodal plugins count placeholders in): ShareGPT's turns after a leading system turn;
/// Alpaca's history, `instruction`, `input` and `output`.
fn turn_texts<'v>(m: &Mapping, view: &'v Value) -> Vec<&'v str> {
    let s = |v: Option<&'v Value>| v.and_then(Value::as_str);
    match m.format {
        Format::Sharegpt => {
            let turns = view
                .get("conversations")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let skip = usize::from(
                turns
                    .first()
                    .is_some_and(|t| t.get("from").and_then(Value::as_str) == Some("system")),
            );
            turns[skip..]
                .iter()
                .filter_map(|t| s(t.get("value")))
                .collect()
        }
        _ => {
            let mut out: Vec<&str> = view
                .get("history")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            out.extend(
                ["instruction", "input", "output"]
                    .iter()
                    .filter_map(|k| s(view.get(*k))),
            );
            out
        }
    }
}

/// Whether a media item is a local path LLaMA-Factory looks up in `media_dir` (not a URL or
/// inline data, which its loaders fetch or decode).
pub fn is_local_path(item: &str) -> bool {
    let lower = item.trim_start().to_ascii_lowercase();
    !["http://", "https://", "data:", "s3://", "gs://", "file://"]
        .iter()
        .any(|p| lower.starts_with(p))
}
