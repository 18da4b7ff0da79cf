//! `ftlint completions SHELL` and `ftlint man`: shell completion scripts and manual pages,
//! generated from the same clap definition the parser uses, so they cannot fall behind a flag.
//! Generated at run time rather than by the build script: nothing to keep in the repository,
//! and an installed binary (cargo, pip, the GitHub Action) can write them where its user wants.

use super::{CliError, Report};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// The shells `ftlint completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<u8, Report> {
    use clap_complete::Shell as S;
    let generator = match shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
        Shell::Elvish => S::Elvish,
    };
    let mut cmd = super::Cli::command();
    // clap_complete writes through `write_all` and panics on a failed write; render into memory
    // first so that a closed pipe is an ordinary error.
    let mut buf = Vec::new();
    clap_complete::generate(generator, &mut cmd, "ftlint", &mut buf);
    out.write_all(&buf)?;
    Ok(0)
}

/// `ftlint man`: the page of `ftlint` itself on stdout, or with `dir`, one page per command
/// (`ftlint.1`, `ftlint-check.1`, …) written into that folder.
pub fn man(dir: Option<&Path>, out: &mut dyn Write) -> Result<u8, Report> {
    let cmd = super::Cli::command();
    match dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            out.write_all(&buf)?;
        }
        Some(dir) => {
            let fail = |source: std::io::Error| CliError::ManPages {
                dir: dir.to_path_buf(),
                source,
            };
            std::fs::create_dir_all(dir).map_err(fail)?;
            clap_mangen::generate_to(cmd, dir).map_err(fail)?;
            let mut pages: Vec<String> = std::fs::read_dir(dir)
                .map_err(fail)?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("ftlint") && n.ends_with(".1"))
                .collect();
            pages.sort();
            eprintln!(
                "ftlint: wrote {} manual pages to `{}` ({})",
                pages.len(),
                dir.display(),
                pages.join(", ")
            );
        }
    }
    Ok(0)
}
