//! `--output-format json-lines`: one diagnostic object per line, the same objects as `json`.

use crate::engine::FileReport;
use std::io::{self, Write};

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for r in reports {
        for d in &r.diagnostics {
            serde_json::to_writer(&mut *out, &super::json::JsonDiagnostic::new(&r.path, d))?;
            writeln!(out)?;
        }
    }
    Ok(())
}
