//! The byte stream: `Content-Length`-framed JSON-RPC over any reader and writer (stdin and
//! stdout for `ftlint server`, pipes in tests), on two threads feeding a [`Connection`].
//!
//! Unlike `lsp_server::Connection::stdio`, whose reader stops at the first payload that is not
//! a JSON-RPC message, a malformed message here is skipped (and, when it carries an `id`,
//! answered with "invalid request"); the server goes on. A `Content-Length` above
//! [`MAX_MESSAGE`] is refused without allocating it.

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use std::io::{self, BufRead, Write};
use std::thread::JoinHandle;

/// The largest message read: a 1 GiB document (in JSON, escapes included) is one.
pub const MAX_MESSAGE: usize = 1 << 30;

/// The reader and writer threads; [`Io::join`] waits for both once the server is done.
pub struct Io {
    reader: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
    /// Dropped to tell the writer that the server is done (the reader thread, blocked on a
    /// client that keeps its end open, may still hold a sender).
    stop: crossbeam_channel::Sender<()>,
}

impl Io {
    /// Waits for the writer to flush every message. The reader thread is not waited for: it may
    /// be blocked reading a client that never closes its end.
    pub fn join(self) -> io::Result<()> {
        drop(self.reader);
        drop(self.stop);
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over `input` and `output`.
pub fn connect<R, W>(input: R, output: W) -> (Connection, Io)
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let answer = to_client.clone();
    let reader = std::thread::spawn(move || {
        let mut input = input;
        loop {
            match read(&mut input) {
                Ok(None) => break,
                Ok(Some(Ok(msg))) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if to_server.send(msg).is_err() || exit {
                        break;
                    }
                }
                Ok(Some(Err((id, why)))) => {
                    eprintln!("ftlint server: skipped a malformed message: {why}");
                    if let Some(id) = id {
                        let _ = answer.send(Message::Response(Response::new_err(
                            id,
                            ErrorCode::InvalidRequest as i32,
                            why,
                        )));
                    }
                }
                Err(e) => {
                    eprintln!("ftlint server: cannot read from the client: {e}");
                    break;
                }
            }
        }
    });
    let (stop, stopped) = crossbeam_channel::bounded::<()>(0);
    let writer = std::thread::spawn(move || {
        let mut output = output;
        loop {
            crossbeam_channel::select! {
                recv(from_server) -> msg => match msg {
                    Ok(msg) => msg.write(&mut output)?,
                    Err(_) => break,
                },
                recv(stopped) -> _ => {
                    // What the server sent before it stopped is still written.
                    for msg in from_server.try_iter() {
                        msg.write(&mut output)?;
                    }
                    break;
                }
            }
        }
        output.flush()
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Io {
            reader,
            writer,
            stop,
        },
    )
}

/// A message that could not be used: the id to answer, if one could be read, and why.
type Malformed = (Option<RequestId>, String);

/// The next message: `Ok(None)` at the end of input, `Ok(Some(Err))` for a frame whose body is
/// not a JSON-RPC message (or whose header is broken: the rest of that frame is then read as
/// the next header, which resynchronizes on the next well-formed one).
fn read(input: &mut impl BufRead) -> io::Result<Option<Result<Message, Malformed>>> {
    let mut length = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        // A header line is short; a longer one is not a header.
        let n = io::Read::take(&mut *input, 4096).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Ok(Some(Err((None, format!("not a header: {text:.80}")))));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
            if length.is_none() {
                return Ok(Some(Err((
                    None,
                    format!("bad Content-Length `{}`", value.trim()),
                ))));
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(Err((None, "a message without Content-Length".into()))));
    };
    if length > MAX_MESSAGE {
        // Skip it without holding it.
        io::copy(
            &mut io::Read::take(&mut *input, length as u64),
            &mut io::sink(),
        )?;
        return Ok(Some(Err((
            None,
            format!("a message of {length} bytes is too large"),
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(parse(&body)))
}

fn parse(body: &[u8]) -> Result<Message, Malformed> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| (None, format!("not JSON: {e}")))?;
    let id = value
        .get("id")
        .cloned()
        .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
    serde_json::from_value::<Message>(value)
        .map_err(|e| (id, format!("not a JSON-RPC message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_frames_are_skipped_and_the_next_one_read() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc": "2.0", "id": 7, "method": 12}"#),
            "Content-Length: 99999999999\r\n\r\n".to_string(),
        ]
        .concat();
        let mut r = io::Cursor::new(input.into_bytes());
        assert!(matches!(read(&mut r), Ok(Some(Err((None, _))))));
        match read(&mut r) {
            Ok(Some(Err((Some(id), why)))) => {
                assert_eq!(id, RequestId::from(7));
                assert!(why.starts_with("not a JSON-RPC message"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        // Too large: refused, then the end of input.
        assert!(matches!(read(&mut r), Ok(Some(Err((None, _))))));
        assert!(matches!(read(&mut r), Ok(None)));
        let mut ok = io::Cursor::new(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).into_bytes());
        assert!(matches!(
            read(&mut ok),
            Ok(Some(Ok(Message::Notification(_))))
        ));
    }
}
