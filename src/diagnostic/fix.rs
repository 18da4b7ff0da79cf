//! Fixes as data: a finding may carry the edits that would remove it, and `--fix` applies the
//! edits of the selected rules' findings in one place (`crate::fix`). Renderers mark fixable
//! findings and JSON output carries the edits, so a tool can apply them itself.

use std::ops::Range;

/// Whether a fix can be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what the data means (BOM, line endings, blank lines, final newline):
    /// applied by `--fix`.
    Safe,
    /// Changes content (a role renamed, a value redacted): applied only with `--unsafe-fixes`.
    Unsafe,
}

/// Replace `range` with `content`. Inside a finding the range is in bytes of the physical line
/// (from its first byte, BOM included; it may reach one past the line to take its `\n`); in a
/// positioned [`Diagnostic`](super::Diagnostic) it is in bytes of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<u64>,
    pub content: String,
}

impl Edit {
    pub fn delete(range: Range<usize>) -> Edit {
        Edit {
            range: range.start as u64..range.end as u64,
            content: String::new(),
        }
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit {
            range: at as u64..at as u64,
            content: content.into(),
        }
    }

    /// The same edit `by` bytes further on.
    pub fn shifted(&self, by: u64) -> Edit {
        Edit {
            range: self.range.start + by..self.range.end + by,
            content: self.content.clone(),
        }
    }
}

/// What would remove a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// Imperative, e.g. `remove the byte order mark`.
    pub message: &'static str,
    /// Non-overlapping, in order.
    pub edits: Vec<Edit>,
}

/// A fix said in terms of the JSON a finding points at, for rules that see values and not the
/// line's text (the schema phase): the engine turns it into byte [`Edit`]s when it positions
/// the finding, from the same located spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonEdit {
    /// Replace the value at the finding's pointer (`Target::Value`) with this JSON text.
    ReplaceValue(String),
    /// Remove the member a `Target::Key` finding names, with one comma, so the object stays
    /// valid JSON.
    RemoveMember,
}

/// A [`JsonEdit`] with what a [`Fix`] says besides its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFix {
    pub applicability: Applicability,
    pub message: &'static str,
    pub edit: JsonEdit,
}

impl JsonFix {
    /// A fix that changes content: applied only with `--unsafe-fixes`.
    pub fn unsafe_edit(message: &'static str, edit: JsonEdit) -> JsonFix {
        JsonFix {
            applicability: Applicability::Unsafe,
            message,
            edit,
        }
    }
}

impl Fix {
    /// A fix that changes content: applied only with `--unsafe-fixes`.
    pub fn unsafe_edits(message: &'static str, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            message,
            edits,
        }
    }

    pub fn safe(message: &'static str, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message,
            edits,
        }
    }

    /// The fix with its edits moved from line to file coordinates.
    pub fn shifted(&self, by: u64) -> Fix {
        Fix {
            applicability: self.applicability,
            message: self.message,
            edits: self.edits.iter().map(|e| e.shifted(by)).collect(),
        }
    }
}

/// Applies `edits` (in one coordinate system, any order) to `bytes`. Where two edits overlap,
/// the one that starts first wins (the longer at the same start) and the other is left for the
/// next round, as ruff does: a rerun finds whatever is still to fix. Returns the new bytes and
/// the indexes of the edits applied.
pub fn apply_edits(bytes: &[u8], edits: &[&Edit]) -> (Vec<u8>, Vec<usize>) {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].range.start, std::cmp::Reverse(edits[i].range.end)));
    let mut out = Vec::with_capacity(bytes.len() + 2);
    let mut at = 0usize;
    let mut applied = Vec::new();
    for i in order {
        let e = edits[i];
        let (start, end) = (e.range.start as usize, e.range.end as usize);
        // An edit that starts inside one already applied waits for the next round.
        if start < at || end > bytes.len() {
            continue;
        }
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(e.content.as_bytes());
        at = end;
        applied.push(i);
    }
    out.extend_from_slice(&bytes[at..]);
    (out, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let a = Edit::delete(0..3);
        let b = Edit::delete(1..2);
        let c = Edit::insert(5, "\n");
        let (out, applied) = apply_edits(b"abcde", &[&b, &c, &a]);
        assert_eq!(out, b"de\n");
        assert_eq!(applied, [2, 1]);
    }

    #[test]
    fn an_insertion_after_a_deletion_both_apply() {
        let del = Edit::delete(3..4);
        let ins = Edit::insert(4, "\n");
        let (out, applied) = apply_edits(b"abc\r", &[&ins, &del]);
        assert_eq!(out, b"abc\n");
        assert_eq!(applied.len(), 2);
    }
}
