//! `ftlint server`: the Language Server Protocol over stdio, so that any editor shows
//! ftlint's findings as the file is edited, offers its fixes and explains its rules.
//!
//! - [`transport`]: framing over a reader and a writer, tolerant of malformed messages;
//! - [`session`]: the message loop, open documents and dispatch;
//! - [`document`]: a document's lines with each line's engine result kept, re-checked
//!   incrementally;
//! - [`encoding`]: LSP columns (UTF-16 by default, UTF-8 or UTF-32 when negotiated);
//! - [`settings`]: the config each document is checked with (as the CLI finds it), offline;
//! - [`publish`], [`actions`], [`hover`]: findings as diagnostics, fixes as code actions, rule
//!   documentation and token counts on hover.
//!
//! The server is the engine's: every finding comes from [`crate::engine::line::check_line`] and
//! the dataset [`crate::engine::dataset::Merger`], exactly as `ftlint check` finds it.

pub mod actions;
pub mod document;
pub mod encoding;
pub mod hover;
pub mod publish;
pub mod session;
pub mod settings;
pub mod transport;
pub mod uri;

use encoding::Encoding;
use lsp_server::{Connection, ErrorCode, Message, Response};
use publish::DocLinks;
use std::path::PathBuf;

/// How a server is run, besides what the client says.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Where each rule's documentation is written for findings to link to (default: the
    /// user's cache folder); `docs-url` from the client wins.
    pub docs_dir: Option<PathBuf>,
}

/// `ftlint server`: serves the client on stdin and stdout until it says `exit`. The exit code
/// is 0 after `shutdown` then `exit`, 1 otherwise (as the protocol asks).
pub fn main() -> u8 {
    let stdin = std::io::stdin();
    let (conn, io) = transport::connect(std::io::BufReader::new(stdin), std::io::stdout());
    let code = run(conn, ServerOptions::default());
    if let Err(e) = io.join() {
        eprintln!("ftlint server: cannot write to the client: {e}");
        return 1;
    }
    code
}

/// Serves one client over `conn` (a [`transport::connect`] pair, or an in-memory one in tests):
/// the `initialize` handshake, then the session. Returns the process exit code.
pub fn run(conn: Connection, options: ServerOptions) -> u8 {
    // Until `initialize`: requests are refused as the protocol says, notifications dropped.
    let (id, params) = loop {
        let Ok(msg) = conn.receiver.recv() else {
            return 1;
        };
        match msg {
            Message::Request(r) if r.method == "initialize" => break (r.id, r.params),
            Message::Request(r) => {
                let _ = conn.sender.send(Message::Response(Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized".into(),
                )));
            }
            Message::Notification(n) if n.method == "exit" => return 1,
            _ => {}
        }
    };
    let offered: Option<Vec<lsp_types::PositionEncodingKind>> = params
        .pointer("/capabilities/general/positionEncodings")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let enc = Encoding::negotiate(offered.as_deref());
    let dynamic_watch = params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let client = settings::ClientOptions::from_json(params.get("initializationOptions").cloned());
    let result = serde_json::json!({
        "capabilities": session::capabilities(enc),
        "serverInfo": { "name": "ftlint", "version": env!("CARGO_PKG_VERSION") },
    });
    let _ = conn
        .sender
        .send(Message::Response(Response::new_ok(id, result)));
    let (client, error) = match client {
        Ok(c) => (c, None),
        Err(e) => (settings::ClientOptions::default(), Some(e)),
    };
    let links = match &client.docs_url {
        Some(t) => DocLinks::Template(t.clone()),
        None => options
            .docs_dir
            .or_else(DocLinks::default_folder)
            .and_then(|dir| DocLinks::write_folder(&dir))
            .unwrap_or_default(),
    };
    let mut session = session::Session::new(conn, enc, settings::Setups::new(client), links);
    if let Some(e) = error {
        session.show_error(format!("ftlint: {e}; the options are ignored"));
    }
    if dynamic_watch {
        session.watch_config_files();
    }
    match session.run() {
        session::Ended::Clean => 0,
        session::Ended::Abrupt => 1,
    }
}
