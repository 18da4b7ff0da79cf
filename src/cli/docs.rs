//! `ftlint rules` and `ftlint rule CODE`: the catalog and each rule's documentation.

use super::{CliError, ListFormat, Report};
use crate::rules;
use std::io::{self, Write};

pub fn list(format: ListFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        ListFormat::Text => {
            for r in rules::all() {
                writeln!(
                    out,
                    "{}  {:<30} {:<8} {}",
                    r.code(),
                    r.name,
                    r.severity.as_str(),
                    r.summary
                )?;
            }
        }
        ListFormat::Json => {
            let list: Vec<_> = rules::all()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code(), "name": r.name, "severity": r.severity, "summary": r.summary,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

pub fn show(code: &str, out: &mut dyn Write) -> Result<u8, Report> {
    let rule = rules::by_code(code)
        .or_else(|| rules::all().find(|r| r.name.eq_ignore_ascii_case(code)))
        .ok_or_else(|| CliError::UnknownRule {
            code: code.to_string(),
            suggestion: rules::select::suggest(code)
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default(),
        })?;
    out.write_all(rule.markdown().as_bytes())?;
    Ok(0)
}
