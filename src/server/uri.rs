//! `file:` URIs to paths and back, and which documents are JSON Lines.

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The path of a `file:` URI (`None` for `untitled:` and other schemes).
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://localhost/x` is `file:///x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_decode(rest)?;
    // `file:///C:/x` on Windows is `C:/x`.
    #[cfg(windows)]
    let decoded = match decoded.strip_prefix('/') {
        Some(p) if p.as_bytes().get(1) == Some(&b':') => p.to_owned(),
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let s = path.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A document the server checks: a JSON Lines language id, or a `.jsonl` name.
pub fn is_jsonl(uri: &Uri, language_id: &str) -> bool {
    matches!(
        language_id.to_ascii_lowercase().as_str(),
        "jsonl" | "json-lines" | "jsonlines"
    ) || uri
        .as_str()
        .split(['?', '#'])
        .next()
        .is_some_and(|p| p.to_ascii_lowercase().ends_with(".jsonl"))
}

/// How the document is named in reports (and matched by `per-file-ignores`).
pub fn display_name(uri: &Uri) -> String {
    match to_path(uri) {
        Some(p) => p.display().to_string(),
        None => uri.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_round_trip() {
        let uri = Uri::from_str("file:///tmp/my%20data/train.jsonl").unwrap();
        assert_eq!(
            to_path(&uri),
            Some(PathBuf::from("/tmp/my data/train.jsonl"))
        );
        let back = from_path(Path::new("/tmp/my data/train.jsonl")).unwrap();
        assert_eq!(back.as_str(), "file:///tmp/my%20data/train.jsonl");
        assert_eq!(
            to_path(&Uri::from_str("untitled:Untitled-1").unwrap()),
            None
        );
        assert!(is_jsonl(&uri, "plaintext"));
        assert!(is_jsonl(&Uri::from_str("untitled:x").unwrap(), "jsonl"));
        assert!(!is_jsonl(
            &Uri::from_str("file:///a/b.json").unwrap(),
            "json"
        ));
    }
}
