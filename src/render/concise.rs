//! `path:line:col: severity: CODE message` — one line per finding, for editors' error lists.
//! The severity sits where gcc and clang put theirs (`error`, `warning`, `info`), so Vim's
//! `errorformat`, Emacs' compilation mode and a VS Code problem matcher tell errors from
//! warnings. File-level findings are given line 1, column 1 so that editors can still jump to
//! the file.

use super::{visible, Counted};
use crate::engine::FileReport;
use std::io::{self, Write};

pub fn render(
    reports: &[FileReport],
    findings: &mut Counted<'_>,
    unsafe_fixes: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    while let Some((i, d)) = findings.next_finding()? {
        let (line, col) = d.location.map_or((1, 1), |l| (l.line, l.column));
        writeln!(
            out,
            "{}:{line}:{col}: {}: {}{} {}",
            reports[i].path,
            d.severity.as_str(),
            d.rule.code(),
            super::fix_mark(&d, unsafe_fixes),
            visible::escaped(&d.message)
        )?;
    }
    Ok(())
}
