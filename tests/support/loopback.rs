//! A stand-in for a moderation service: HTTP/1.1 on 127.0.0.1, one thread per connection,
//! `Connection: close`. Each test gives a handler that sees the request (and its index in
//! arrival order) and answers with a [`Reply`]: a status, headers, a body (or an endless one
//! that claims a length), after an optional delay. The server records every request, counts
//! connections, the most requests in flight at once, and the body bytes it managed to send.
//!
//! Included by the network tests with `#[path = "support/loopback.rs"] mod loopback;`; each
//! uses part of it.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Request {
    /// Path and query, as the request line gave them.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: Value,
    pub arrived: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The texts asked about: OpenAI's `input` array, else Azure's one `text`.
    pub fn inputs(&self) -> Vec<String> {
        match &self.body["input"] {
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => vec![self.text().to_string()],
        }
    }

    /// Azure Content Safety's `text`.
    pub fn text(&self) -> &str {
        self.body["text"].as_str().unwrap_or("")
    }
}

pub enum Body {
    Text(String),
    /// Claims `claimed` bytes and writes `x` until the client stops reading.
    Endless {
        claimed: u64,
    },
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: String) -> Reply {
        Reply::status(200, &body)
    }

    pub fn status(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: Body::Text(body.to_string()),
            delay: Duration::ZERO,
        }
    }

    pub fn endless(status: u16, claimed: u64) -> Reply {
        Reply {
            body: Body::Endless { claimed },
            ..Reply::status(status, "")
        }
    }

    pub fn header(mut self, k: &'static str, v: &str) -> Reply {
        self.headers.push((k, v.to_string()));
        self
    }

    /// Answers only after `d`.
    pub fn after(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

type Handler = dyn Fn(usize, &Request) -> Reply + Send + Sync;

/// What the serving threads share with the test.
#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Request>>,
    connections: AtomicUsize,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    body_bytes: AtomicU64,
}

pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    pub fn start(handler: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let shared = Arc::new(Shared::default());
        let handler: Arc<Handler> = Arc::new(handler);
        let s = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                s.connections.fetch_add(1, Ordering::SeqCst);
                let (s, handler) = (s.clone(), handler.clone());
                std::thread::spawn(move || serve(stream, &s, &*handler));
            }
        });
        Server { addr, shared }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The most requests in flight at once.
    pub fn peak(&self) -> usize {
        self.shared.peak.load(Ordering::SeqCst)
    }

    /// Body bytes handed to the client's socket, over all requests.
    pub fn body_bytes(&self) -> u64 {
        self.shared.body_bytes.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, s: &Shared, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() || first.is_empty() {
        return;
    }
    let arrived = Instant::now();
    let target = first.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.peak.fetch_max(now, Ordering::SeqCst);
    let req = Request {
        target,
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        arrived,
    };
    let index = {
        let mut r = s.requests.lock().unwrap();
        r.push(req.clone());
        r.len() - 1
    };
    let reply = handler(index, &req);
    std::thread::sleep(reply.delay);
    // The request stops counting before its answer is written: once the client can read the
    // answer it may send its next request, and a loaded machine may not have run the
    // decrement yet — which would count one request twice.
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    let length = match &reply.body {
        Body::Text(t) => t.len() as u64,
        Body::Endless { claimed } => *claimed,
    };
    let mut out = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n",
        reply.status
    );
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut stream = stream;
    if stream.write_all(out.as_bytes()).is_err() {
        return;
    }
    match reply.body {
        Body::Text(t) => {
            if stream.write_all(t.as_bytes()).is_ok() {
                s.body_bytes.fetch_add(t.len() as u64, Ordering::SeqCst);
            }
        }
        Body::Endless { claimed } => {
            let chunk = vec![b'x'; 16 * 1024];
            let mut sent = 0u64;
            while sent < claimed {
                match stream.write(&chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        sent += n as u64;
                        s.body_bytes.fetch_add(n as u64, Ordering::SeqCst);
                    }
                }
            }
        }
    }
    let _ = stream.flush();
}
