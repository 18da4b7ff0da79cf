//! Zed runs a language server only through an extension: this one starts `ftlint server` (the
//! `ftlint` on the worktree's PATH) and passes the `lsp.ftlint.initialization_options` of Zed's
//! settings as the server's `initializationOptions`.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Ftlint;

impl zed::Extension for Ftlint {
    fn new() -> Self {
        Ftlint
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("ftlint")
            .ok_or("`ftlint` is not on PATH: install it (see ftlint's README)")?;
        Ok(zed::Command {
            command,
            args: vec!["server".into()],
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree("ftlint", worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }
}

zed::register_extension!(Ftlint);
