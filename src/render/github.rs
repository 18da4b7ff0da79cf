//! `--output-format github`: GitHub Actions workflow commands, one per finding, which the
//! runner turns into annotations on the pull request's diff:
//!
//! ```text
//! ::error file=train.jsonl,line=7,col=31,endLine=7,endColumn=38,title=ftlint (C005)::`messages[1].role` is …
//! ```
//!
//! Severities map to `error`, `warning` and `notice`. Columns are given only when the span
//! stays on one line (GitHub ignores them otherwise); file-level findings name the file only.
//! Values are escaped as the Actions toolkit does: `%`, `\r`, `\n` everywhere, and `:` and `,`
//! too inside properties, where they would end the property.

use crate::engine::FileReport;
use crate::rules::Severity;
use std::io::{self, Write};

pub fn render(
    reports: &[FileReport],
    findings: &mut super::Counted<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    while let Some((i, d)) = findings.next_finding()? {
        let r = &reports[i];
        {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = format!("file={}", escape_property(&r.path));
            if let Some(l) = d.location {
                props.push_str(&format!(",line={}", l.line));
                if l.end_line == l.line {
                    props.push_str(&format!(
                        ",col={},endLine={},endColumn={}",
                        l.column, l.end_line, l.end_column
                    ));
                } else {
                    props.push_str(&format!(",endLine={}", l.end_line));
                }
            }
            let title = escape_property(&format!("ftlint ({})", d.rule.code()));
            writeln!(
                out,
                "::{command} {props},title={title}::{}",
                escape_data(&d.message)
            )?;
        }
    }
    Ok(())
}

/// Escapes a command's message: `%`, `\r` and `\n` as the Actions toolkit does (an
/// annotation may have several lines), and any other control character from the data (ESC, BEL)
/// as a visible escape, so it neither ends the command nor drives the log viewer.
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::visible::escaped(&s).into_owned()
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Location};

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("x\u{1b}[31m\u{7}"), "x\\u{1b}[31m\\u{7}");
    }

    fn report(location: Option<Location>) -> String {
        let rule = crate::rules::by_code("J002").unwrap();
        let mut d = Diagnostic::file_level(rule, "bad\nthing");
        d.location = location;
        let r = FileReport {
            path: "a:b.jsonl".into(),
            diagnostics: vec![d],
            lines: 1,
            bytes: 1,
            ..FileReport::default()
        };
        let mut out = Vec::new();
        crate::render::render(
            crate::render::OutputFormat::Github,
            &[r],
            &Default::default(),
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn columns_only_on_one_line_spans() {
        let loc = |end_line| Location {
            line: 2,
            column: 3,
            end_line,
            end_column: 4,
            byte_offset: 10,
            byte_length: 5,
        };
        assert_eq!(
            report(Some(loc(2))),
            "::error file=a%3Ab.jsonl,line=2,col=3,endLine=2,endColumn=4,title=ftlint (J002)::bad%0Athing\n"
        );
        assert_eq!(
            report(Some(loc(3))),
            "::error file=a%3Ab.jsonl,line=2,endLine=3,title=ftlint (J002)::bad%0Athing\n"
        );
        assert_eq!(
            report(None),
            "::error file=a%3Ab.jsonl,title=ftlint (J002)::bad%0Athing\n"
        );
    }
}
