//! Code actions: each finding's fix as a quick fix (an unsafe one said so in its title, never
//! preferred), and "fix all" — what `ftlint check --fix` would write, as one edit of the
//! document (its changed middle only, so the cursor and undo history stay put).

use super::document::Checked;
use super::encoding::Encoding;
use super::settings::FileSetup;
use crate::diagnostic::Applicability;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

/// The kind of the "fix all" action, which editors run on save when asked
/// (`"editor.codeActionsOnSave": {"source.fixAll.ftlint": "explicit"}`).
pub const FIX_ALL_KIND: &str = "source.fixAll.ftlint";

/// The command that applies "fix all" through `workspace/applyEdit`.
pub const FIX_ALL_COMMAND: &str = "ftlint.applyAutofix";

/// Quick fixes for the findings whose range meets `range`, then "fix all" when it changes
/// anything. `only`: the kinds the client asked for.
#[allow(clippy::too_many_arguments)] // the request's facts, each needed
pub fn code_actions(
    uri: &Uri,
    lines: &[String],
    checked: &Checked,
    published: &[lsp_types::Diagnostic],
    setup: &FileSetup,
    unsafe_fixes: bool,
    range: Range,
    only: Option<&[CodeActionKind]>,
    enc: Encoding,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|o| {
            o.iter().any(|k| {
                kind.as_str() == k.as_str()
                    || kind.as_str().starts_with(&format!("{}.", k.as_str()))
            })
        })
    };
    let mut out = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        for (d, lsp) in checked.report.diagnostics.iter().zip(published) {
            let Some(fix) = &d.fix else { continue };
            if !meets(&lsp.range, &range) {
                continue;
            }
            let edits = fix
                .edits
                .iter()
                .map(|e| TextEdit {
                    range: checked.range(lines, e.range.clone(), enc),
                    new_text: e.content.clone(),
                })
                .collect();
            let safe = fix.applicability == Applicability::Safe;
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "{} ({}){}",
                    capitalized(fix.message),
                    d.rule.code(),
                    if safe { "" } else { " (unsafe)" }
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp.clone()]),
                edit: Some(workspace_edit(uri, edits)),
                command: None,
                is_preferred: Some(safe),
                disabled: None,
                data: None,
            }));
        }
    }
    let fix_all = CodeActionKind::from(FIX_ALL_KIND);
    if wants(&fix_all) || wants(&CodeActionKind::SOURCE_FIX_ALL) {
        if let Some(edit) = fix_all_edit(lines, setup, unsafe_fixes, enc) {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: if unsafe_fixes {
                    "Fix all ftlint findings, unsafe fixes included".into()
                } else {
                    "Fix all safe ftlint findings".into()
                },
                kind: Some(fix_all),
                diagnostics: None,
                edit: Some(workspace_edit(uri, vec![edit])),
                command: None,
                is_preferred: None,
                disabled: None,
                data: None,
            }));
        }
    }
    out
}

/// Whether two ranges share a position (an empty range touching the other counts).
fn meets(a: &Range, b: &Range) -> bool {
    let le = |p: &Position, q: &Position| (p.line, p.character) <= (q.line, q.character);
    le(&a.start, &b.end) && le(&b.start, &a.end)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        document_changes: None,
        change_annotations: None,
    }
}

/// The edit that turns the document into what `--fix` (with `unsafe_fixes`: `--fix
/// --unsafe-fixes`) would write; `None` when nothing changes.
pub fn fix_all_edit(
    lines: &[String],
    setup: &FileSetup,
    unsafe_fixes: bool,
    enc: Encoding,
) -> Option<TextEdit> {
    let opts = &setup.setup.opts;
    let fixes = crate::fix::Fixes::new(&opts.plan.set, unsafe_fixes, opts.format)
        .for_target(opts.target.clone());
    if !fixes.any() {
        return None;
    }
    let text = lines.join("\n");
    let mut fixed = Vec::with_capacity(text.len());
    crate::fix::fix_lines(
        std::io::Cursor::new(text.as_bytes()),
        &fixes,
        |orig, new| {
            fixed.extend_from_slice(new.unwrap_or(orig));
            Ok(())
        },
    )
    .ok()?;
    let fixed = String::from_utf8(fixed).ok()?;
    if fixed == text {
        return None;
    }
    // Only the middle that differs is replaced.
    let a = text.as_bytes();
    let b = fixed.as_bytes();
    let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !text.is_char_boundary(prefix) || !fixed.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    while !text.is_char_boundary(a.len() - suffix) || !fixed.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    let position = |at: usize| {
        let before = &text[..at];
        let line = before.matches('\n').count();
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        Position::new(line as u32, enc.column(&lines[line], at - start))
    };
    Some(TextEdit {
        range: Range::new(position(prefix), position(a.len() - suffix)),
        new_text: fixed[prefix..b.len() - suffix].to_owned(),
    })
}
