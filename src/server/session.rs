//! The server's state and its message loop: open documents, the settings each is checked with,
//! and the dispatch of requests and notifications.
//!
//! Messages are handled one at a time, in order. A change only marks its document; diagnostics
//! are computed and published once no message is waiting, so a burst of keystrokes is checked
//! once. A request about a document checks it first if it changed.

use super::actions::{self, FIX_ALL_COMMAND, FIX_ALL_KIND};
use super::document::{Checked, Document};
use super::encoding::Encoding;
use super::publish::{self, DocLinks};
use super::settings::{self, FileSetup, Setups};
use super::uri;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    ExecuteCommandParams, HoverParams, MessageType, PublishDiagnosticsParams, ShowMessageParams,
    Uri,
};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// One open JSON Lines document.
struct Open {
    doc: Document,
    path: Option<PathBuf>,
    name: String,
    /// Its settings, or the message of the config error that stops it from being checked.
    setup: Result<Arc<FileSetup>, String>,
    /// The last check, while the text has not changed since.
    checked: Option<Checked>,
    /// The last check's findings as published.
    published: Vec<lsp_types::Diagnostic>,
    /// Changed since diagnostics were last published.
    dirty: bool,
}

pub struct Session {
    conn: Connection,
    enc: Encoding,
    docs: HashMap<Uri, Open>,
    setups: Setups,
    links: DocLinks,
    shutdown: bool,
    /// Ids of the requests this server sends (`workspace/applyEdit`, registrations).
    next_id: i32,
}

/// How the loop ended.
pub enum Ended {
    /// `exit` after `shutdown`.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

impl Session {
    pub fn new(conn: Connection, enc: Encoding, setups: Setups, links: DocLinks) -> Session {
        Session {
            conn,
            enc,
            docs: HashMap::new(),
            setups,
            links,
            shutdown: false,
            next_id: 0,
        }
    }

    pub fn show_error(&self, message: String) {
        self.notify::<note::ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message,
        });
    }

    /// Asks the client to tell us when a config file changes (for clients that take
    /// registrations; the others send `didSave` for a config file opened in the editor).
    pub fn watch_config_files(&mut self) {
        let watchers: Vec<Value> = crate::config::FILE_NAMES
            .iter()
            .map(|n| serde_json::json!({ "globPattern": format!("**/{n}") }))
            .collect();
        let params = serde_json::json!({
            "registrations": [{
                "id": "ftlint-config-files",
                "method": note::DidChangeWatchedFiles::METHOD,
                "registerOptions": { "watchers": watchers },
            }]
        });
        self.request(req::RegisterCapability::METHOD, params);
    }

    pub fn run(mut self) -> Ended {
        while let Ok(msg) = self.conn.receiver.recv() {
            match msg {
                Message::Request(r) => self.on_request(r),
                Message::Notification(n) => {
                    if n.method == note::Exit::METHOD {
                        return if self.shutdown {
                            Ended::Clean
                        } else {
                            Ended::Abrupt
                        };
                    }
                    self.on_notification(n);
                }
                // Answers to our own requests: nothing waits for them.
                Message::Response(_) => {}
            }
            if self.conn.receiver.is_empty() {
                self.publish_changed();
            }
        }
        Ended::Abrupt
    }

    fn on_request(&mut self, r: Request) {
        let id = r.id.clone();
        if self.shutdown {
            self.respond(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        // A handler that panics answers with an error; the server goes on.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(r)));
        let response = match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                "internal error (please report it)".into(),
            ),
        };
        self.respond(response);
    }

    fn handle(&mut self, r: Request) -> Result<Value, (ErrorCode, String)> {
        match r.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(r.params)?;
                let unsafe_fixes = self.setups.client.unsafe_fixes;
                let enc = self.enc;
                let Some(open) = self.checked(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                let (Some(checked), Ok(setup)) = (&open.checked, &open.setup) else {
                    return Ok(Value::Null);
                };
                let actions = actions::code_actions(
                    &p.text_document.uri,
                    open.doc.lines(),
                    checked,
                    &open.published,
                    setup,
                    unsafe_fixes,
                    p.range,
                    p.context.only.as_deref(),
                    enc,
                );
                Ok(serde_json::to_value(actions).unwrap_or_default())
            }
            req::HoverRequest::METHOD => {
                let p: HoverParams = params(r.params)?;
                let enc = self.enc;
                let doc = &p.text_document_position_params;
                let Some(open) = self.checked(&doc.text_document.uri) else {
                    return Ok(Value::Null);
                };
                let (Some(checked), Ok(setup)) = (&open.checked, &open.setup) else {
                    return Ok(Value::Null);
                };
                let h = super::hover::hover(
                    open.doc.lines(),
                    checked,
                    &open.published,
                    setup,
                    doc.position,
                    enc,
                );
                Ok(serde_json::to_value(h).unwrap_or_default())
            }
            req::ExecuteCommand::METHOD => {
                let p: ExecuteCommandParams = params(r.params)?;
                if p.command != FIX_ALL_COMMAND {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!("unknown command `{}`", p.command),
                    ));
                }
                let Some(target) = p.arguments.first().and_then(command_uri) else {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!("`{FIX_ALL_COMMAND}` takes the document's URI"),
                    ));
                };
                self.fix_all(&target);
                Ok(Value::Null)
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unsupported request `{other}`"),
            )),
        }
    }

    /// `ftlint.applyAutofix`: sends the client the "fix all" edit to apply.
    fn fix_all(&mut self, target: &Uri) {
        let unsafe_fixes = self.setups.client.unsafe_fixes;
        let enc = self.enc;
        let Some(open) = self.docs.get(target) else {
            return;
        };
        let Ok(setup) = &open.setup else { return };
        if let Some(edit) = actions::fix_all_edit(open.doc.lines(), setup, unsafe_fixes, enc) {
            let params = lsp_types::ApplyWorkspaceEditParams {
                label: Some("ftlint: fix all".into()),
                edit: actions::workspace_edit(target, vec![edit]),
            };
            self.request(req::ApplyWorkspaceEdit::METHOD, params);
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle_notification(n)));
        match result {
            Ok(Ok(())) => {}
            // A notification has no answer: a bad one is said on stderr (the client's log).
            Ok(Err((_, why))) => eprintln!("ftlint server: {why}"),
            Err(_) => eprintln!("ftlint server: internal error handling a notification"),
        }
    }

    fn handle_notification(&mut self, n: Notification) -> Result<(), (ErrorCode, String)> {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = params(n.params)?;
                let d = p.text_document;
                if !uri::is_jsonl(&d.uri, &d.language_id) {
                    return Ok(());
                }
                let path = uri::to_path(&d.uri);
                let setup = self.setups.for_file(path.as_deref());
                self.docs.insert(
                    d.uri.clone(),
                    Open {
                        doc: Document::new(d.version, &d.text),
                        name: uri::display_name(&d.uri),
                        path,
                        setup,
                        checked: None,
                        published: Vec::new(),
                        dirty: true,
                    },
                );
            }
            note::DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = params(n.params)?;
                let enc = self.enc;
                if let Some(open) = self.docs.get_mut(&p.text_document.uri) {
                    open.doc
                        .apply(p.text_document.version, p.content_changes, enc);
                    open.checked = None;
                    open.dirty = true;
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = params(n.params)?;
                if self.docs.remove(&p.text_document.uri).is_some() {
                    self.publish(p.text_document.uri, Vec::new(), None);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                let p: DidSaveTextDocumentParams = params(n.params)?;
                if uri::to_path(&p.text_document.uri).is_some_and(|p| settings::is_config_file(&p))
                {
                    self.reload();
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let p: DidChangeWatchedFilesParams = params(n.params)?;
                // A config file, or a baseline a config names (`ftlint accept` rewrote it).
                if p.changes.iter().any(|c| {
                    uri::to_path(&c.uri).is_some_and(|p| {
                        settings::is_config_file(&p) || self.setups.uses_baseline(&p)
                    })
                }) {
                    self.reload();
                }
            }
            // `initialized`, `$/cancelRequest`, `$/setTrace`, configuration pushes, …: nothing
            // to do.
            _ => {}
        }
        Ok(())
    }

    /// A config file changed: every document's settings are found again and it is checked
    /// again from scratch.
    fn reload(&mut self) {
        self.setups.clear();
        for open in self.docs.values_mut() {
            open.setup = self.setups.for_file(open.path.as_deref());
            open.doc.forget();
            open.checked = None;
            open.dirty = true;
        }
    }

    /// The document, checked if it changed since its last check.
    fn checked(&mut self, target: &Uri) -> Option<&Open> {
        let enc = self.enc;
        let links = &self.links;
        let open = self.docs.get_mut(target)?;
        if open.checked.is_none() {
            match &open.setup {
                Ok(setup) => {
                    let mut checked = open.doc.check(&open.name, &setup.setup.opts);
                    setup.finish(&mut checked.report, open.path.as_deref(), open.doc.lines());
                    open.published = publish::diagnostics(&checked, open.doc.lines(), enc, links);
                    open.checked = Some(checked);
                }
                Err(why) => open.published = vec![config_error(why)],
            }
        }
        Some(open)
    }

    fn publish_changed(&mut self) {
        let changed: Vec<Uri> = self
            .docs
            .iter()
            .filter(|(_, o)| o.dirty)
            .map(|(u, _)| u.clone())
            .collect();
        for target in changed {
            let Some(open) = self.checked(&target) else {
                continue;
            };
            let (diagnostics, version) = (open.published.clone(), open.doc.version);
            if let Some(open) = self.docs.get_mut(&target) {
                open.dirty = false;
            }
            self.publish(target, diagnostics, Some(version));
        }
    }

    fn publish(&self, target: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify::<note::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: target,
            diagnostics,
            version,
        });
    }

    fn notify<N: note::Notification>(&self, params: N::Params) {
        let _ = self
            .conn
            .sender
            .send(Message::Notification(Notification::new(
                N::METHOD.into(),
                params,
            )));
    }

    fn request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_id += 1;
        let id = RequestId::from(format!("ftlint-{}", self.next_id));
        let _ = self
            .conn
            .sender
            .send(Message::Request(Request::new(id, method.into(), params)));
    }

    fn respond(&self, r: Response) {
        let _ = self.conn.sender.send(Message::Response(r));
    }
}

/// A request's or notification's parameters, or "invalid params" saying why not.
fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(v)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

/// The document a command names: its URI as a string, or an object with a `uri`.
fn command_uri(arg: &Value) -> Option<Uri> {
    let s = match arg {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("uri")?.as_str()?,
        _ => return None,
    };
    s.parse().ok()
}

/// A config the document's settings cannot be made from: said at the file's start, since no
/// finding can be trusted without it.
fn config_error(why: &str) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
        source: Some("ftlint".into()),
        message: format!("the file is not checked: {why}"),
        ..Default::default()
    }
}

/// The capabilities the server announces.
pub fn capabilities(enc: Encoding) -> lsp_types::ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL_KIND),
            ]),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![FIX_ALL_COMMAND.into()],
            ..Default::default()
        }),
        ..Default::default()
    }
}
