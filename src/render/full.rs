//! The default human format, rendered by miette: code and message, a snippet of the line
//! windowed around the span (a line can be megabytes long), the caret, and help.
//!
//! miette is given a small source per diagnostic — the window, not the file — through a
//! [`SourceCode`] that reports the real line and column, so the header and gutter show the
//! file's numbers even though the text is a fragment.

use crate::diagnostic::Diagnostic;
use crate::engine::FileReport;
use crate::render::{visible, Counted, RunInfo};
use crate::rules::Severity;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};

pub fn render(
    reports: &[FileReport],
    findings: &mut Counted<'_>,
    info: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if info.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(info.width)
        .with_context_lines(0);
    let mut buf = String::new();
    let mut head = String::new();
    let failed = |_| io::Error::other("rendering failed");
    let mut any = false;
    while let Some((i, d)) = findings.next_finding()? {
        any = true;
        let r = &reports[i];
        {
            let d = &d;
            buf.clear();
            buf.push('\n');
            let mut item = Item::new(&r.path, d, info.unsafe_fixes);
            handler.render_report(&mut buf, &item).map_err(failed)?;
            if item.source.is_none() {
                // No snippet names the file, so a line under the title does, as ruff's `-->`:
                // `path:line:col`, or the path of a file-level finding (unwrapped, so that
                // terminals and editors open it). The title is where the report without its
                // help ends.
                item.show_help = false;
                head.clear();
                head.push('\n');
                handler.render_report(&mut head, &item).map_err(failed)?;
                let at = match d.location {
                    Some(l) => format!("  --> {}:{}:{}\n", r.path, l.line, l.column),
                    None => format!("  --> {}\n", r.path),
                };
                let split = if buf.starts_with(head.as_str()) {
                    head.len()
                } else {
                    buf.len()
                };
                buf.insert_str(split, &at);
            }
            out.write_all(buf.as_bytes())?;
        }
    }
    if info.quiet {
        return Ok(());
    }
    if any {
        writeln!(out)?;
    }
    let counts = findings.totals();
    writeln!(out, "{}", counts.sentence())?;
    if let Some(line) = super::fixable_sentence(&counts, info.unsafe_fixes) {
        writeln!(out, "{line}")?;
    }
    let many = reports.len() > 1;
    for r in reports {
        if !r.riskiest.is_empty() {
            let model = r
                .moderation
                .as_ref()
                .and_then(|m| m.scoring_model.as_deref())
                .map_or(String::new(), |m| format!(" (`{m}`)"));
            writeln!(
                out,
                "riskiest examples by moderation score{model}{}:",
                if many {
                    format!(" in {}", r.path)
                } else {
                    String::new()
                }
            )?;
            for line in &r.riskiest {
                writeln!(out, "  {line}")?;
            }
        }
        // With several files, one total line (each file's with `--verbose`).
        if let Some(line) = &r.token_summary {
            if !many {
                writeln!(out, "{line}")?;
            } else if info.verbose {
                writeln!(out, "{}: {line}", r.path)?;
            }
        }
    }
    if many {
        if let Some(total) = &info.token_total {
            writeln!(out, "{total}")?;
        }
    }
    // Said once per run, not per file.
    if let Some(note) = reports.iter().find_map(|r| r.moderation_note.as_ref()) {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

/// One diagnostic as miette sees it.
struct Item<'a> {
    d: &'a Diagnostic,
    show_help: bool,
    title: String,
    source: Option<Window<'a>>,
}

impl<'a> Item<'a> {
    fn new(path: &'a str, d: &'a Diagnostic, unsafe_fixes: bool) -> Self {
        let title = format!(
            "{}{} {}",
            d.rule.code(),
            super::fix_mark(d, unsafe_fixes),
            visible::escaped(&d.message)
        );
        let source = match (d.location, &d.snippet) {
            (Some(loc), Some(snip)) => {
                let (text, span) = visible::pictured(&snip.text, &snip.span);
                Some(Window {
                    name: path,
                    text,
                    span,
                    line: loc.line as usize - 1,
                    column: loc.column as usize - 1,
                })
            }
            _ => None,
        };
        Item {
            d,
            show_help: true,
            title,
            source,
        }
    }
}

impl fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Display for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Item<'_> {}

impl miette::Diagnostic for Item<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if !self.show_help {
            return None;
        }
        let help = self.d.help.as_deref().map(visible::escaped)?;
        Some(Box::new(help.into_owned()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|w| w as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let w = self.source.as_ref()?;
        let span = SourceSpan::from((w.span.start, w.span.len()));
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, span),
        )))
    }
}

/// The snippet window, reporting the file's line and column for its span.
struct Window<'a> {
    name: &'a str,
    /// The snippet with control characters pictured.
    text: std::borrow::Cow<'a, str>,
    span: std::ops::Range<usize>,
    /// 0-based line and column of the span's start in the file.
    line: usize,
    column: usize,
}

impl SourceCode for Window<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // miette asks for the label (to print the header's line:column) and for the context
        // (to print the lines); both get the whole one-line window.
        let column = if span.offset() == self.span.start {
            self.column
        } else {
            self.column.saturating_sub(
                self.text[..self.span.start.min(self.text.len())]
                    .chars()
                    .count(),
            )
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            self.text.as_bytes(),
            SourceSpan::from((0, self.text.len())),
            self.line,
            column,
            1,
        )))
    }
}
