//! `--output-format json-lines`: one diagnostic object per line, the same objects as `json`.

use crate::engine::FileReport;
use std::io::{self, Write};

pub fn render(
    reports: &[FileReport],
    findings: &mut super::Counted<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    while let Some((i, d)) = findings.next_finding()? {
        let json = super::json::JsonDiagnostic::new(&reports[i].path, &d);
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
    }
    Ok(())
}
