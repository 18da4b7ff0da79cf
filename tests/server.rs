//! `ftlint server` driven as an editor drives it: an in-process client on the other end of an
//! in-memory connection (and, once, the real binary over stdin and stdout), asserting the exact
//! messages the server sends — diagnostics with their ranges in UTF-16 (and UTF-8 and UTF-32
//! when negotiated) on lines with emoji, code actions whose edits are applied to the text as a
//! client would, hover, commands, settings from config files, and that malformed input never
//! stops it.

use ftlint::server::{run, ServerOptions};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// No message the server owes takes this long: a test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

/// Rules whose findings do not depend on the day (no lifecycle rule) or on a score cache.
const SELECT: &[&str] = &["J", "C005", "C010", "D001", "D003"];

const LINE_BOT: &str =
    r#"{"messages": [{"role": "user", "content": "😀 hi"}, {"role": "bot", "content": "😀"}]}"#;
const LINE_OK: &str = r#"{"messages": [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi 😀"}]}"#;

/// A response: its result or its error.
struct Answer {
    result: Option<Value>,
    error: Option<lsp_server::ResponseError>,
}

struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<u8>>,
    next_id: i32,
    /// Messages read while waiting for another one, in order.
    queue: Vec<Message>,
    dir: tempfile::TempDir,
}

impl Client {
    /// A server with `options` as `initializationOptions`; `encodings`: the client's
    /// `general.positionEncodings`, if it offers any. Returns the client and the `initialize`
    /// result.
    fn start(options: Value, encodings: Option<&[&str]>) -> (Client, Value) {
        let dir = tempfile::tempdir().unwrap();
        Client::start_in(dir, options, encodings)
    }

    fn start_in(
        dir: tempfile::TempDir,
        options: Value,
        encodings: Option<&[&str]>,
    ) -> (Client, Value) {
        let (client, server) = Connection::memory();
        let docs_dir = dir.path().join("rule-docs");
        let handle = std::thread::spawn(move || {
            run(
                server,
                ServerOptions {
                    docs_dir: Some(docs_dir),
                },
            )
        });
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next_id: 0,
            queue: Vec::new(),
            dir,
        };
        let mut caps = json!({});
        if let Some(e) = encodings {
            caps = json!({ "general": { "positionEncodings": e } });
        }
        let result = c.request(
            "initialize",
            json!({ "capabilities": caps, "initializationOptions": options }),
        );
        c.notify("initialized", json!({}));
        (c, result.result.expect("initialize succeeds"))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn uri(&self, name: &str) -> String {
        format!("file://{}", self.path(name).display())
    }

    fn send(&self, m: Message) {
        self.conn.sender.send(m).unwrap();
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.into(),
            params,
        )));
    }

    /// Sends a request and waits for its response (other messages are queued).
    fn request(&mut self, method: &str, params: Value) -> Answer {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        match self.wait(|m| matches!(m, Message::Response(r) if r.id == id)) {
            Message::Response(r) => match r.response_result {
                Ok(v) => Answer {
                    result: Some(v),
                    error: None,
                },
                Err(e) => Answer {
                    result: None,
                    error: Some(e),
                },
            },
            _ => unreachable!(),
        }
    }

    /// The first message (queued or new) that `want` accepts.
    fn wait(&mut self, want: impl Fn(&Message) -> bool) -> Message {
        if let Some(i) = self.queue.iter().position(&want) {
            return self.queue.remove(i);
        }
        loop {
            let m = self
                .conn
                .receiver
                .recv_timeout(PATIENCE)
                .expect("the server answers in time");
            if want(&m) {
                return m;
            }
            self.queue.push(m);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let m = self.wait(|m| match m {
            Message::Notification(n) => {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version
            }
            _ => false,
        });
        let Message::Notification(n) = m else {
            unreachable!()
        };
        n.params["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, name: &str, language: &str, text: &str) -> String {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
        uri
    }

    fn change(&self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// `shutdown` then `exit`: the server's exit code.
    fn stop(mut self) -> u8 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r.result, Some(Value::Null));
        assert!(r.error.is_none());
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

/// (code, [start line, start character, end line, end character]) of each diagnostic.
fn places(diags: &[Value]) -> Vec<(String, [u64; 4])> {
    diags
        .iter()
        .map(|d| {
            let r = &d["range"];
            let n = |v: &Value| v.as_u64().unwrap();
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                [
                    n(&r["start"]["line"]),
                    n(&r["start"]["character"]),
                    n(&r["end"]["line"]),
                    n(&r["end"]["character"]),
                ],
            )
        })
        .collect()
}

fn select() -> Value {
    json!({ "select": SELECT })
}

/// Applies LSP text edits (UTF-16 positions) to `text`, as a client does.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let (line, ch) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split('\n').take(line).map(|l| l.len() + 1).sum();
        let l = text.split('\n').nth(line).unwrap_or("");
        let mut units = 0;
        for (i, c) in l.char_indices() {
            if units >= ch {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + l.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

#[test]
fn initialize_announces_utf16_and_the_features() {
    let (c, init) = Client::start(select(), None);
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.ftlint"])
    );
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!(["ftlint.applyAutofix"])
    );
    assert_eq!(init["serverInfo"]["name"], "ftlint");
    assert_eq!(c.stop(), 0);
}

#[test]
fn diagnostics_ranges_count_utf16_units_after_an_emoji() {
    let (mut c, _) = Client::start(select(), None);
    let text = format!("{LINE_BOT}\n{LINE_OK}\n\n{LINE_OK}\n");
    let uri = c.open("train.jsonl", "jsonl", &text);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(
        places(&diags),
        vec![
            // File-level: at the start.
            ("D001".into(), [0, 0, 0, 0]),
            // The `[` of `messages`, to the `]`: 70 characters, one emoji of two units before
            // the end, two in all.
            ("C010".into(), [0, 13, 0, 85]),
            // `"bot"`: character 60 in scalar values, 61 in UTF-16 (the 😀 before it).
            ("C005".into(), [0, 61, 0, 66]),
            ("J004".into(), [2, 0, 2, 0]),
            ("D003".into(), [3, 0, 3, 1]),
        ]
    );
    let c005 = &diags[2];
    assert_eq!(c005["severity"], 1);
    assert_eq!(c005["source"], "ftlint");
    assert_eq!(
        c005["message"],
        "`messages[1].role` is `\"bot\"`; expected `system`, `user`, `assistant`, `tool` or `function` (unknown-role)\nhelp: use `assistant` for the model's turns"
    );
    let href = c005["codeDescription"]["href"].as_str().unwrap();
    assert!(
        href.starts_with("file://") && href.ends_with("/rule-docs/C005.md"),
        "{href}"
    );
    let doc = std::fs::read_to_string(c.path("rule-docs/C005.md")).unwrap();
    assert!(doc.starts_with("# C005 unknown-role (error)"), "{doc}");
    assert_eq!(diags[4]["severity"], 2, "D003 is a warning");
    assert_eq!(c.stop(), 0);
}

#[test]
fn utf8_and_utf32_are_used_when_the_client_offers_them() {
    for (offer, expected, c005) in [
        (&["utf-8", "utf-16"][..], "utf-8", [0, 63, 0, 68]),
        (&["utf-32"][..], "utf-32", [0, 60, 0, 65]),
        (&["x-unknown"][..], "utf-16", [0, 61, 0, 66]),
    ] {
        let (mut c, init) = Client::start(json!({ "select": ["C005"] }), Some(offer));
        assert_eq!(init["capabilities"]["positionEncoding"], expected);
        let uri = c.open("a.jsonl", "jsonl", &format!("{LINE_BOT}\n"));
        assert_eq!(places(&c.diagnostics(&uri, 1)), vec![("C005".into(), c005)]);
        // An edit in that encoding: "bot" → "assistant", by the range the finding gave.
        c.change(
            &uri,
            2,
            json!([{ "range": {
                "start": { "line": 0, "character": c005[1] + 1 },
                "end": { "line": 0, "character": c005[3] - 1 } },
                "text": "assistant" }]),
        );
        assert_eq!(c.diagnostics(&uri, 2), Vec::<Value>::new(), "{expected}");
        assert_eq!(c.stop(), 0);
    }
}

#[test]
fn incremental_edits_recheck_lines_and_dataset_rules() {
    let (mut c, _) = Client::start(select(), None);
    let text = format!("{LINE_OK}\n{LINE_BOT}\n");
    let uri = c.open("t.jsonl", "jsonl", &text);
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![
            ("D001".into(), [0, 0, 0, 0]),
            ("C010".into(), [1, 13, 1, 85]),
            ("C005".into(), [1, 61, 1, 66]),
        ]
    );
    // A new line typed above: the findings move down; the new line repeats line 1 (D003),
    // found from the kept per-line notes.
    c.change(
        &uri,
        2,
        json!([{ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } },
                 "text": format!("{LINE_OK}\n") }]),
    );
    let diags = c.diagnostics(&uri, 2);
    assert_eq!(
        places(&diags),
        vec![
            ("D001".into(), [0, 0, 0, 0]),
            ("D003".into(), [1, 0, 1, 1]),
            ("C010".into(), [2, 13, 2, 85]),
            ("C005".into(), [2, 61, 2, 66]),
        ]
    );
    assert_eq!(
        diags[0]["message"],
        "the file has 3 examples; the target requires at least 10 (too-few-examples)\nhelp: add examples; 50 to 100 good ones is where fine-tuning usually starts to help"
    );
    // Two changes in one notification, the second in the coordinates the first left: the
    // emoji in "😀 hi" replaced (two UTF-16 units), then the repeated line deleted.
    c.change(
        &uri,
        3,
        json!([
            { "range": { "start": { "line": 2, "character": 43 }, "end": { "line": 2, "character": 45 } }, "text": "a" },
            { "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 2, "character": 0 } }, "text": "" }
        ]),
    );
    assert_eq!(
        places(&c.diagnostics(&uri, 3)),
        vec![
            ("D001".into(), [0, 0, 0, 0]),
            ("C010".into(), [1, 13, 1, 84]),
            ("C005".into(), [1, 60, 1, 65]),
        ]
    );
    // A whole-text change.
    c.change(&uri, 4, json!([{ "text": format!("{LINE_OK}\n") }]));
    assert_eq!(
        places(&c.diagnostics(&uri, 4)),
        vec![("D001".into(), [0, 0, 0, 0])]
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn quick_fixes_and_fix_all_edit_the_text() {
    let (mut c, _) = Client::start(select(), None);
    let text = format!("{LINE_OK}\n\n{LINE_OK}\n");
    let uri = c.open("f.jsonl", "jsonl", &text);
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(
        places(&diags),
        vec![
            ("D001".into(), [0, 0, 0, 0]),
            ("J004".into(), [1, 0, 1, 0]),
            ("D003".into(), [2, 0, 2, 1]),
        ]
    );
    // On the blank line: J004's fix, safe and preferred.
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri },
                "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } },
                "context": { "diagnostics": [], "only": ["quickfix"] } }),
    );
    let actions = r.result.unwrap();
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    let a = &actions[0];
    assert_eq!(a["title"], "Delete the line (J004)");
    assert_eq!(a["kind"], "quickfix");
    assert_eq!(a["isPreferred"], true);
    assert_eq!(a["diagnostics"][0]["code"], "J004");
    let edits = a["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        edits,
        &vec![
            json!({ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 2, "character": 0 } }, "newText": "" })
        ]
    );
    assert_eq!(apply_edits(&text, edits), format!("{LINE_OK}\n{LINE_OK}\n"));
    // On the repeat: D003's fix is unsafe, said so and not preferred.
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri },
                "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } },
                "context": { "diagnostics": [] } }),
    );
    let actions = r.result.unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Drop the duplicate line (D003) (unsafe)",
            "Fix all safe ftlint findings"
        ]
    );
    assert_eq!(actions[0]["isPreferred"], false);
    // Fix all: the safe fixes only (the blank line goes, the repeat stays).
    let fix_all = &actions[1];
    assert_eq!(fix_all["kind"], "source.fixAll.ftlint");
    let edits = fix_all["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply_edits(&text, edits);
    assert_eq!(fixed, format!("{LINE_OK}\n{LINE_OK}\n"));
    // The client applies it and says so: the blank line's finding is gone.
    c.change(
        &uri,
        2,
        json!(edits
            .iter()
            .map(|e| json!({"range": e["range"], "text": e["newText"]}))
            .collect::<Vec<_>>()),
    );
    assert_eq!(
        places(&c.diagnostics(&uri, 2)),
        vec![("D001".into(), [0, 0, 0, 0]), ("D003".into(), [1, 0, 1, 1])]
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn unsafe_fixes_option_makes_fix_all_apply_them() {
    let (mut c, _) = Client::start(json!({ "select": SELECT, "unsafe-fixes": true }), None);
    let text = format!("{LINE_OK}\n\n{LINE_OK}\n");
    let uri = c.open("f.jsonl", "jsonl", &text);
    c.diagnostics(&uri, 1);
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let actions = r.result.unwrap();
    assert_eq!(actions.as_array().unwrap().len(), 1);
    assert_eq!(
        actions[0]["title"],
        "Fix all ftlint findings, unsafe fixes included"
    );
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply_edits(&text, edits), format!("{LINE_OK}\n"));
    assert_eq!(c.stop(), 0);
}

#[test]
fn execute_command_asks_the_client_to_apply_fix_all() {
    let (mut c, _) = Client::start(select(), None);
    let text = format!("\n{LINE_OK}\n");
    let uri = c.open("x.jsonl", "jsonl", &text);
    c.diagnostics(&uri, 1);
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "ftlint.applyAutofix", "arguments": [{ "uri": uri, "version": 1 }] }),
    );
    assert_eq!(r.result, Some(Value::Null));
    let Message::Request(apply) =
        c.wait(|m| matches!(m, Message::Request(r) if r.method == "workspace/applyEdit"))
    else {
        unreachable!()
    };
    let edits = apply.params["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply_edits(&text, edits), format!("{LINE_OK}\n"));
    // The client's answer is taken without complaint.
    c.send(Message::Response(Response::new_ok(
        apply.id,
        json!({ "applied": true }),
    )));
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "ftlint.nope", "arguments": [] }),
    );
    assert_eq!(r.error.unwrap().message, "unknown command `ftlint.nope`");
    assert_eq!(c.stop(), 0);
}

#[test]
fn hover_shows_the_rule_doc_and_a_messages_tokens() {
    let (mut c, _) = Client::start(select(), None);
    let text = format!("{LINE_BOT}\n{LINE_OK}\n");
    let uri = c.open("h.jsonl", "jsonl", &text);
    c.diagnostics(&uri, 1);
    let hover = |c: &mut Client, line: u32, character: u32| -> Value {
        c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
        .result
        .unwrap()
    };
    // On `"bot"`: C005's documentation (and C010's, whose range holds it), then the message's
    // tokens.
    let h = hover(&mut c, 0, 63);
    let md = h["contents"]["value"].as_str().unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(
        md.starts_with("# C010 no-assistant-message (error)"),
        "{md}"
    );
    assert!(
        md.contains("\n---\n\n# C005 unknown-role (error)\n\n"),
        "{md}"
    );
    assert!(md.ends_with("**Message 2** (`bot`): 5 tokens\n\nExample: 14 tokens of `gpt-4o-mini-2024-07-18`'s 65,536-token context (exact count, target `openai`)"), "{md}");
    // Message 1 of line 1: 6 tokens, so 6 + 5 + the reply primer's 3 are the example's 14,
    // what `ftlint check` counts for this line.
    let h = hover(&mut c, 0, 20);
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("# C010 no-assistant-message (error)"),
        "{md}"
    );
    assert!(
        md.contains("\n---\n\n**Message 1** (`user`): 6 tokens\n\nExample: 14 tokens"),
        "{md}"
    );
    // On the assistant's message of line 2: its 6 tokens of the example's 14 (as `check`
    // counts the example: 5 + 6 + the reply primer's 3).
    let h = hover(&mut c, 1, 80);
    assert_eq!(
        h["contents"]["value"],
        "**Message 2** (`assistant`): 6 tokens\n\nExample: 14 tokens of `gpt-4o-mini-2024-07-18`'s 65,536-token context (exact count, target `openai`)"
    );
    // Outside any message and finding: nothing.
    assert_eq!(hover(&mut c, 1, 1), Value::Null);
    assert_eq!(c.stop(), 0);
}

#[test]
fn the_config_file_of_the_document_is_used_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "select = [\"C005\", \"J004\"]\n",
    )
    .unwrap();
    let (mut c, _) = Client::start_in(dir, json!(null), None);
    let uri = c.open("data/t.jsonl", "jsonl", &format!("{LINE_BOT}\n\n"));
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![
            ("C005".into(), [0, 61, 0, 66]),
            ("J004".into(), [1, 0, 1, 0])
        ]
    );
    // The config changes: the client's watcher says so, the document is checked again.
    std::fs::write(c.path("ftlint.toml"), "select = [\"C005\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": c.uri("ftlint.toml"), "type": 2 }] }),
    );
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![("C005".into(), [0, 61, 0, 66])]
    );
    // A broken config: said at the file's start, nothing else.
    std::fs::write(c.path("ftlint.toml"), "select = 3\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": c.uri("ftlint.toml") } }),
    );
    let diags = c.diagnostics(&uri, 1);
    assert_eq!(places(&diags), vec![(String::new(), [0, 0, 0, 0])]);
    let msg = diags[0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("the file is not checked: invalid config `"),
        "{msg}"
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn initialization_options_override_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "select = [\"C005\", \"J004\"]\n",
    )
    .unwrap();
    let (mut c, _) = Client::start_in(dir, json!({ "ignore": ["J004"] }), None);
    let uri = c.open("t.jsonl", "jsonl", &format!("{LINE_BOT}\n\n"));
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![("C005".into(), [0, 61, 0, 66])]
    );
    assert_eq!(c.stop(), 0);
}

#[test]
fn bad_options_are_said_and_ignored() {
    let (mut c, _) = Client::start(json!({ "no-such-key": 1 }), None);
    let Message::Notification(n) =
        c.wait(|m| matches!(m, Message::Notification(n) if n.method == "window/showMessage"))
    else {
        unreachable!()
    };
    assert_eq!(n.params["type"], 1);
    let msg = n.params["message"].as_str().unwrap();
    assert!(
        msg.starts_with("ftlint: initializationOptions: unknown field `no-such-key`"),
        "{msg}"
    );
    assert!(msg.ends_with("; the options are ignored"), "{msg}");
    assert_eq!(c.stop(), 0);
}

#[test]
fn moderation_never_goes_to_the_network() {
    // Asked for the API, the server uses the (empty) cache: the texts are unscored.
    let cache = tempfile::tempdir().unwrap();
    let (mut c, _) = Client::start(
        json!({ "select": ["M004"], "moderation": "api", "cache-dir": cache.path() }),
        None,
    );
    let uri = c.open("m.jsonl", "jsonl", &format!("{LINE_OK}\n"));
    let diags = c.diagnostics(&uri, 1);
    assert!(!diags.is_empty());
    assert!(diags.iter().all(|d| d["code"] == "M004"), "{diags:?}");
    assert_eq!(c.stop(), 0);
}

#[test]
fn malformed_requests_and_other_files_never_stop_the_server() {
    let (mut c, _) = Client::start(select(), None);
    // Params of the wrong shape: an error answer.
    let r = c.request("textDocument/hover", json!({ "textDocument": 12 }));
    let e = r.error.unwrap();
    assert_eq!(e.code, lsp_server::ErrorCode::InvalidParams as i32);
    assert!(e.message.starts_with("invalid params: "), "{}", e.message);
    // A method it does not have.
    let r = c.request("textDocument/formatting", json!({}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    // A bad notification and edits of documents never opened: ignored.
    c.notify("textDocument/didOpen", json!({ "nonsense": true }));
    c.change("file:///nowhere.jsonl", 2, json!([{ "text": "x" }]));
    // A JSON file and a Python file: not checked, no diagnostics, requests answered with null.
    let py = c.open("setup.py", "python", "{not: jsonl}\n");
    let json_file = c.open("data.json", "json", "[1, 2]\n");
    for u in [&py, &json_file] {
        let r = c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": { "line": 0, "character": 0 } }),
        );
        assert_eq!(r.result, Some(Value::Null));
    }
    // Binary-looking text, a range past the end, and a range inside a surrogate pair.
    let uri = c.open("w.jsonl", "jsonl", "\u{0}\u{1}😀\n");
    c.diagnostics(&uri, 1);
    c.change(
        &uri,
        2,
        json!([{ "range": { "start": { "line": 99, "character": 7 }, "end": { "line": 0, "character": 3 } }, "text": "{" },
               { "range": { "start": { "line": 0, "character": 1 }, "end": { "line": 0, "character": 1 } }, "text": "}" }]),
    );
    let diags = c.diagnostics(&uri, 2);
    assert!(diags.iter().all(|d| d["source"] == "ftlint"));
    // No diagnostics were ever published for the other files.
    assert!(!c.queue.iter().any(|m| matches!(m, Message::Notification(n)
        if n.method == "textDocument/publishDiagnostics" && (n.params["uri"] == py || n.params["uri"] == json_file))));
    // After shutdown, requests are refused; exit ends with 0.
    let r = c.request("shutdown", Value::Null);
    assert!(r.error.is_none());
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::InvalidRequest as i32
    );
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let (mut c, _) = Client::start(select(), None);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), 1);
}

/// Reads one framed message from the server's stdout.
fn read_frame(out: &mut impl BufRead) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    out.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The binary over real stdin and stdout: garbage before and between messages is skipped,
/// a request that is not JSON-RPC is answered with an error, and the server exits 0.
#[test]
fn the_binary_speaks_over_stdio_and_survives_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ftlint"))
        .args(["server", "--stdio"])
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    input.write_all(&frame("{this is not json")).unwrap();
    input
        .write_all(b"garbage without a header\r\n\r\n")
        .unwrap();
    input
        .write_all(&frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{},"initializationOptions":{"select":["C005"]}}}"#))
        .unwrap();
    let init = read_frame(&mut output);
    assert_eq!(init["id"], 1);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
    input
        .write_all(&frame(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ))
        .unwrap();
    input
        .write_all(&frame(r#"{"jsonrpc":"2.0","id":2,"method":7}"#))
        .unwrap();
    let bad = read_frame(&mut output);
    assert_eq!(bad["id"], 2);
    assert_eq!(bad["error"]["code"], -32600);
    let uri = format!("file://{}/a.jsonl", dir.path().display());
    let open = json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"jsonl","version":1,"text":format!("{LINE_BOT}\n")}}});
    input.write_all(&frame(&open.to_string())).unwrap();
    let published = read_frame(&mut output);
    assert_eq!(published["method"], "textDocument/publishDiagnostics");
    assert_eq!(
        places(published["params"]["diagnostics"].as_array().unwrap()),
        vec![("C005".into(), [0, 61, 0, 66])]
    );
    input
        .write_all(&frame(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#))
        .unwrap();
    assert_eq!(read_frame(&mut output)["id"], 3);
    input
        .write_all(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#))
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains("skipped a malformed message: not JSON"),
        "{err}"
    );
    // The rule docs the diagnostics link to were written into the cache folder.
    let href = published["params"]["diagnostics"][0]["codeDescription"]["href"]
        .as_str()
        .unwrap();
    assert!(href.ends_with("/C005.md"), "{href}");
    assert!(Path::new(href.strip_prefix("file://").unwrap()).is_file());
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_have_their_ranges_and_fixes() {
    let (mut c, _) = Client::start(json!({ "select": ["J005", "J006"] }), None);
    let text = format!("\u{FEFF}{LINE_OK}\r\n{LINE_OK}\r\n");
    let uri = c.open("crlf.jsonl", "jsonl", &text);
    // The BOM is one UTF-16 unit of line 1; each `\r` sits after its line's 95 units (96 with
    // the BOM). J006 is said once, for the file.
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![
            ("J005".into(), [0, 0, 0, 1]),
            ("J006".into(), [0, 96, 0, 97])
        ]
    );
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 200 } },
                "context": { "diagnostics": [], "only": ["quickfix"] } }),
    );
    let actions = r.result.unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Remove the byte order mark (J005)",
            "Convert the line ending to `\\n` (J006)"
        ]
    );
    // J006's one fix removes every line's `\r`.
    let edits = actions[1]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(
        apply_edits(&text, edits),
        format!("\u{FEFF}{LINE_OK}\n{LINE_OK}\n")
    );
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(
        apply_edits(&text, edits),
        format!("{LINE_OK}\r\n{LINE_OK}\r\n")
    );
    assert_eq!(c.stop(), 0);
}

/// The config's baseline hides the findings it accepted, as `ftlint check` does, and a
/// rewritten baseline (`ftlint accept`, `--write-baseline`) is read again when the client's
/// watcher reports it.
#[test]
fn the_configs_baseline_hides_accepted_findings_and_is_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("ftlint.toml"),
        "select = [\"C005\", \"J004\"]\nbaseline = \"baseline.json\"\n",
    )
    .unwrap();
    let write_baseline = |dir: &std::path::Path, text: &str| {
        std::fs::write(dir.join("data/t.jsonl"), text).unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_ftlint"))
            .current_dir(dir)
            .env("FTLINT_CACHE_DIR", dir.join("cache"))
            .args(["check", "data/t.jsonl", "--write-baseline", "baseline.json"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
    };
    // The bot role (C005) is accepted; the blank line (J004) is new.
    write_baseline(dir.path(), &format!("{LINE_BOT}\n"));
    let text = format!("{LINE_BOT}\n\n");
    std::fs::write(dir.path().join("data/t.jsonl"), &text).unwrap();
    let (mut c, _) = Client::start_in(dir, json!(null), None);
    let uri = c.open("data/t.jsonl", "jsonl", &text);
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![("J004".into(), [1, 0, 1, 0])]
    );
    // The baseline is written again from a file without the bot line: C005 is no longer
    // accepted once the watcher reports the change.
    let root = c.path("");
    write_baseline(&root, &format!("{LINE_OK}\n"));
    std::fs::write(c.path("data/t.jsonl"), &text).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": c.uri("baseline.json"), "type": 2 }] }),
    );
    assert_eq!(
        places(&c.diagnostics(&uri, 1)),
        vec![
            ("C005".into(), [0, 61, 0, 66]),
            ("J004".into(), [1, 0, 1, 0])
        ]
    );
    assert_eq!(c.stop(), 0);
}
