//! Findings as LSP diagnostics: exact ranges in the client's encoding, the code with a link to
//! the rule's documentation, the rule's name, severity, and the help line.

use super::document::Checked;
use super::encoding::Encoding;
use crate::diagnostic::{Diagnostic, Severity};
use lsp_types::{CodeDescription, DiagnosticSeverity, NumberOrString, Position, Range, Uri};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where a finding's code links to.
#[derive(Debug, Clone, Default)]
pub enum DocLinks {
    /// No link.
    #[default]
    None,
    /// A URL with `{code}` in it (`docs-url`).
    Template(String),
    /// A folder holding `CODE.md`, each rule's documentation as `ftlint rule CODE` prints it.
    Folder(PathBuf),
}

impl DocLinks {
    /// Writes every rule's documentation into `dir` (once per version: files already there are
    /// kept); `None` when the folder cannot be written, so findings link nowhere.
    pub fn write_folder(dir: &Path) -> Option<DocLinks> {
        std::fs::create_dir_all(dir).ok()?;
        for rule in crate::rules::all() {
            let path = dir.join(format!("{}.md", rule.code()));
            if !path.is_file() {
                let text = rule.markdown();
                crate::input::atomic::write(&path, |f| {
                    std::io::Write::write_all(f, text.as_bytes())
                })
                .ok()?;
            }
        }
        Some(DocLinks::Folder(dir.to_path_buf()))
    }

    /// The default folder: `ftlint/rules/<version>` in the user's cache folder.
    pub fn default_folder() -> Option<PathBuf> {
        Some(
            dirs::cache_dir()?
                .join("ftlint")
                .join("rules")
                .join(env!("CARGO_PKG_VERSION")),
        )
    }

    pub fn link(&self, code: &str) -> Option<CodeDescription> {
        let href = match self {
            DocLinks::None => return None,
            DocLinks::Template(t) => Uri::from_str(&t.replace("{code}", code)).ok()?,
            DocLinks::Folder(dir) => super::uri::from_path(&dir.join(format!("{code}.md")))?,
        };
        Some(CodeDescription { href })
    }
}

/// The LSP form of every finding of `checked`, in report order.
pub fn diagnostics(
    checked: &Checked,
    lines: &[String],
    enc: Encoding,
    links: &DocLinks,
) -> Vec<lsp_types::Diagnostic> {
    checked
        .report
        .diagnostics
        .iter()
        .map(|d| to_lsp(d, range(checked, lines, d, enc), links))
        .collect()
}

/// Where a finding is: its bytes, or the file's start for a file-level finding.
pub fn range(checked: &Checked, lines: &[String], d: &Diagnostic, enc: Encoding) -> Range {
    match d.location {
        Some(l) => checked.range(lines, l.byte_offset..l.byte_offset + l.byte_length, enc),
        None => Range::new(Position::new(0, 0), Position::new(0, 0)),
    }
}

fn to_lsp(d: &Diagnostic, range: Range, links: &DocLinks) -> lsp_types::Diagnostic {
    let mut message = format!("{} ({})", d.message, d.rule.name);
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.code().to_owned())),
        code_description: links.link(d.rule.code()),
        source: Some("ftlint".to_owned()),
        message,
        related_information: None,
        tags: None,
        data: None,
    }
}
