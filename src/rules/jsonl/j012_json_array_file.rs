//! ## What it checks
//! A file whose first line opens a JSON array that the line does not close: the whole file is
//! one JSON array spread over many lines (pretty-printed JSON, or a `.json` file renamed to
//! `.jsonl`), not JSON Lines. Reported once, at the `[`, and then the file's only finding: its
//! lines are not reported one by one as invalid JSON (J002), as values that are not objects
//! (J003) or, where one happens to hold a whole object, as examples; no dataset rule judges it.
//!
//! ## Why it matters
//! Fine-tuning services read one JSON object per line and reject such a file whole. Without
//! this rule every line of it is an error of its own (a 60-example file pretty-printed with two
//! spaces makes hundreds), which hides the one thing to do: convert the array to one element
//! per line, e.g. with `jq -c '.[]' train.json > train.jsonl`.
//!
//! ## Example
//! ```text
//! [
//!   {
//!     "messages": [
//!       {"role": "user", "content": "hi"},
//!       {"role": "assistant", "content": "hello"}
//!     ]
//!   }
//! ]
//! ```
//!
//! ## Configuration
//! None. A file that holds a whole array on its first line (`[{…}, {…}]`) parses, and is J003.
//! `ftlint check --fix --unsafe-fixes` rewrites the file as JSON Lines: each element on a line
//! of its own, its text kept as written (key order, numbers, escapes) but for the whitespace
//! between tokens. Unsafe because the whole file changes; a file that is not one valid JSON
//! array is left as it is.
use crate::diagnostic::{Finding, Target};
use crate::json::ParseErrorKind;
use crate::rules::ParsedLine;
use crate::rules::{Rule, RuleDef, RuleMeta, Severity};

pub static RULE: RuleDef = RuleDef {
    parse: Some(check),
    ends_file: true,
    // The fix itself is file-level (`crate::fix::array_to_jsonl`): the rule only says it has one.
    fixed: Some(fixed),
    unsafe_fix: true,
    ..RuleDef::new(RuleMeta {
        rule: Rule::J012,
        name: "json-array-file",
        severity: Severity::Error,
        summary: "The file is one JSON array over many lines, not one JSON object per line",
    })
};

fn fixed(_: u64) -> String {
    "wrote the JSON array as JSON Lines".to_string()
}

fn check(line: &ParsedLine<'_>, out: &mut Vec<Finding>) {
    if line.line != 1 {
        return;
    }
    let Err(e) = line.parse else { return };
    let start = line.text.len() - line.text.trim_start().len();
    if e.kind != ParseErrorKind::Syntax || !line.text[start..].starts_with('[') {
        return;
    }
    out.push(
        Finding::new(
            &RULE.meta,
            Target::Bytes(start..start + 1),
            "the file is one JSON array spread over many lines (JSON, not JSON Lines); nothing else in it is checked",
        )
        .help("write each element on a line of its own: `ftlint check FILE --fix --unsafe-fixes`, or `jq -c '.[]' train.json > train.jsonl`"),
    );
}
