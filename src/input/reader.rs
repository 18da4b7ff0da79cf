//! Reads any `Read` in large blocks cut at newlines, on its own thread, a bounded number ahead.
//!
//! The file is never held whole in memory: at most `capacity` blocks wait in the channel while
//! the pool works on the blocks in flight. A single line longer than a block is carried until its newline
//! arrives (a line has to be parsed whole), up to the largest line an example can be
//! ([`oversize::max_line_bytes`]); a longer line streams past and is never held.

use super::oversize::{self, OversizeLine};
use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver};

/// Bytes per block. Large enough that per-block overhead vanishes (a task and a buffer per
/// block), small enough that even a 1 MB file is split among the cores.
pub const BLOCK_SIZE: usize = 1 << 18;

/// Lines per block at most. Each line's results (its summary and findings) wait until its
/// block is merged, and 256 KiB of tiny lines (`{}`) is 87,000 of them: blocks are cut by
/// lines too, which bounds the results in flight. A chat file's blocks (a few hundred lines
/// of a few KiB) never reach it.
pub const BLOCK_LINES: usize = 4096;

/// A run of complete lines (the last block of a file may end without a newline).
#[derive(Debug)]
pub struct Block {
    pub data: Vec<u8>,
    /// File offset of `data[0]`.
    pub offset: u64,
    /// Is this the first block of the file (where a BOM may sit)?
    pub first: bool,
    /// 1-based number of the block's first line. Counting newlines here (at memchr speed)
    /// lets every worker know its absolute line numbers, which score look-ups need.
    pub first_line: u64,
    /// The file's line ending so far (see [`after_line`]) when the block starts.
    pub prev_crlf: bool,
    /// A line too long to hold, checked as it streamed (`data` is then empty): the block is
    /// that one line.
    pub oversize: Option<Box<OversizeLine>>,
}

impl Block {
    /// The block's bytes in the file.
    pub fn len(&self) -> u64 {
        match &self.oversize {
            Some(o) => o.len + u64::from(o.has_newline),
            None => self.data.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The file's line ending after `line` (with its `\n`, if any), given the one before: a line
/// ending `\r\n` makes it CRLF, a non-blank line ending `\n` makes it LF; blank lines (often a
/// bare `\n` in a CRLF file) and a last line without a newline leave it as it was.
pub fn after_line(prev_crlf: bool, line: &[u8]) -> bool {
    if line.ends_with(b"\r\n") {
        true
    } else if line.ends_with(b"\n") && !line.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        prev_crlf
    }
}

/// The file's line ending after a run of whole lines: the last line that decides it.
fn after_lines(prev_crlf: bool, data: &[u8]) -> bool {
    let mut end = data.len();
    while end > 0 {
        let start = memchr::memrchr(b'\n', &data[..end - 1]).map_or(0, |i| i + 1);
        let line = &data[start..end];
        if line.ends_with(b"\n")
            && (line.ends_with(b"\r\n") || !line.iter().all(u8::is_ascii_whitespace))
        {
            return line.ends_with(b"\r\n");
        }
        end = start;
    }
    prev_crlf
}

/// The last `\n` of `buf` at or after `from` (the bytes before it are known to hold none).
fn last_newline(buf: &[u8], from: usize) -> Option<usize> {
    memchr::memrchr(b'\n', &buf[from.min(buf.len())..]).map(|i| from + i)
}

/// Starts the reader thread inside `scope`. Blocks arrive in file order; an I/O error ends the
/// stream. A line longer than `max_line` bytes (without its `\n`) is not held: it streams
/// through [`oversize::stream_line`] and arrives as a block of its own, with no data.
pub fn spawn<'scope, R: Read + Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    mut input: R,
    capacity: usize,
    max_line: u64,
) -> Receiver<io::Result<Block>> {
    let (tx, rx) = sync_channel(capacity);
    let max_line = usize::try_from(max_line).unwrap_or(usize::MAX);
    scope.spawn(move || {
        let mut buf: Vec<u8> = Vec::new();
        // `buf[..searched]` holds no newline (the start of a line still being read): only what
        // is read after it is searched, so a line of any length is scanned once, not once per
        // block.
        let mut searched = 0usize;
        let mut offset = 0u64;
        let mut first = true;
        let mut first_line = 1u64;
        let mut prev_crlf = false;
        let mut eof = false;
        // `buf` already holds more complete lines than one block takes: cut before reading.
        let mut backlog = false;
        let send = |data: Vec<u8>,
                    oversize: Option<Box<OversizeLine>>,
                    offset: &mut u64,
                    first: &mut bool,
                    first_line: &mut u64,
                    prev_crlf: &mut bool|
         -> bool {
            let (len, newlines, next_crlf) = match &oversize {
                Some(o) => (
                    o.len + u64::from(o.has_newline),
                    u64::from(o.has_newline),
                    after_oversize(*prev_crlf, o),
                ),
                None => (
                    data.len() as u64,
                    memchr::memchr_iter(b'\n', &data).count() as u64,
                    after_lines(*prev_crlf, &data),
                ),
            };
            let block = Block {
                data,
                offset: *offset,
                first: *first,
                first_line: *first_line,
                prev_crlf: *prev_crlf,
                oversize,
            };
            *prev_crlf = next_crlf;
            *offset += len;
            *first_line += newlines;
            *first = false;
            tx.send(Ok(block)).is_ok()
        };
        loop {
            if !eof && !backlog {
                // Fill up to a block more, or to EOF.
                let want = buf.len() + BLOCK_SIZE;
                let room = max_line.saturating_add(2 * BLOCK_SIZE);
                if buf.len() > 2 * BLOCK_SIZE && buf.capacity() < room && room < isize::MAX as usize
                {
                    // A long line: room for it up to the limit at once, so it is never copied
                    // to a larger buffer while held (only the pages written take memory).
                    buf.reserve_exact(room - buf.len());
                } else {
                    buf.reserve(BLOCK_SIZE);
                }
                while buf.len() < want {
                    match (&mut input)
                        .take((want - buf.len()) as u64)
                        .read_to_end(&mut buf)
                    {
                        Ok(0) => {
                            eof = true;
                            break;
                        }
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
            }
            if buf.is_empty() && eof {
                return;
            }
            // Complete lines end at `cut`; after it, the start of a line still being read.
            let cut = if eof {
                buf.len()
            } else {
                last_newline(&buf, searched).map_or(0, |nl| nl + 1)
            };
            let long = first_long_line(&buf[..cut], max_line)
                .or_else(|| (!eof && buf.len() - cut > max_line).then_some(cut));
            match long {
                Some(start) => {
                    // The line keeps the buffer it is in when it starts it (`split_off(0)`
                    // would copy up to the whole limit).
                    let line = if start == 0 {
                        std::mem::take(&mut buf)
                    } else {
                        buf.split_off(start)
                    };
                    if !buf.is_empty()
                        && !send(
                            std::mem::take(&mut buf),
                            None,
                            &mut offset,
                            &mut first,
                            &mut first_line,
                            &mut prev_crlf,
                        )
                    {
                        return;
                    }
                    let streamed = match oversize::stream_line(line, &mut input, first, prev_crlf) {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    };
                    if !send(
                        Vec::new(),
                        Some(Box::new(streamed.line)),
                        &mut offset,
                        &mut first,
                        &mut first_line,
                        &mut prev_crlf,
                    ) {
                        return;
                    }
                    buf = streamed.rest;
                    searched = 0;
                    backlog = false;
                    eof |= streamed.eof;
                }
                None if cut == 0 => searched = buf.len(),
                None => {
                    let (cut, more) = at_most_block_lines(&buf, cut);
                    let tail = buf.split_off(cut);
                    if !send(
                        std::mem::replace(&mut buf, tail),
                        None,
                        &mut offset,
                        &mut first,
                        &mut first_line,
                        &mut prev_crlf,
                    ) {
                        return;
                    }
                    // Complete lines left behind hold newlines: search them again.
                    searched = if more { 0 } else { buf.len() };
                    backlog = more;
                }
            }
        }
    });
    rx
}

/// Where a block of the complete lines `buf[..cut]` ends: at `cut`, or after its
/// [`BLOCK_LINES`]th line (then `true`: complete lines are left).
fn at_most_block_lines(buf: &[u8], cut: usize) -> (usize, bool) {
    match memchr::memchr_iter(b'\n', &buf[..cut]).nth(BLOCK_LINES - 1) {
        Some(nl) if nl + 1 < cut => (nl + 1, true),
        _ => (cut, false),
    }
}

/// The start of the first line of `data` longer than `max` bytes (without its `\n`).
fn first_long_line(data: &[u8], max: usize) -> Option<usize> {
    if data.len() <= max {
        return None;
    }
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', data) {
        if nl - start > max {
            return Some(start);
        }
        start = nl + 1;
    }
    (data.len() - start > max).then_some(start)
}

/// The file's line ending after a streamed line (as [`after_line`] tells it of a held one).
fn after_oversize(prev_crlf: bool, o: &OversizeLine) -> bool {
    if !o.has_newline {
        prev_crlf
    } else if o.crlf {
        true
    } else if o.bom == 0 && o.whitespace {
        prev_crlf
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(data: &[u8]) -> Vec<Block> {
        std::thread::scope(|s| {
            spawn(s, data, 2, u64::MAX)
                .into_iter()
                .map(|b| b.unwrap())
                .collect()
        })
    }

    /// Tiny lines come in blocks of at most `BLOCK_LINES` lines, numbered and covering the
    /// input exactly, and the reader does not run ahead while it holds whole lines.
    #[test]
    fn tiny_lines_are_cut_by_count_too() {
        let n = BLOCK_LINES * 5 + 17;
        let data = b"{}\n".repeat(n);
        let got = blocks(&data);
        assert!(got.len() >= 6, "{} blocks", got.len());
        let mut next_line = 1;
        let mut offset = 0;
        for b in &got {
            let lines = memchr::memchr_iter(b'\n', &b.data).count();
            assert!(lines <= BLOCK_LINES, "{lines} lines in a block");
            assert_eq!(b.first_line, next_line);
            assert_eq!(b.offset, offset);
            next_line += lines as u64;
            offset += b.data.len() as u64;
        }
        assert_eq!(
            got.iter().flat_map(|b| b.data.clone()).collect::<Vec<u8>>(),
            data
        );
        // The same with no newline at the end and CRLF lines.
        let mut data = b"{}\r\n".repeat(n);
        data.extend_from_slice(b"{}");
        let got = blocks(&data);
        assert!(got
            .iter()
            .all(|b| memchr::memchr_iter(b'\n', &b.data).count() <= BLOCK_LINES));
        assert_eq!(
            got.iter().flat_map(|b| b.data.clone()).collect::<Vec<u8>>(),
            data
        );
        assert!(got.iter().all(|b| b.prev_crlf || b.first));
    }

    #[test]
    fn blocks_end_at_newlines_and_cover_the_input() {
        let line = b"{\"messages\": []}\n";
        let data: Vec<u8> = line
            .iter()
            .copied()
            .cycle()
            .take(line.len() * 200_000 + 5)
            .collect();
        let got = blocks(&data);
        assert!(got.len() > 1);
        let mut joined = Vec::new();
        for b in &got {
            assert_eq!(b.offset as usize, joined.len());
            joined.extend_from_slice(&b.data);
        }
        assert_eq!(joined, data);
        assert!(got[..got.len() - 1].iter().all(|b| b.data.ends_with(b"\n")));
        assert!(got[0].first && !got[1].first);
        let lines_before: u64 = got[0].data.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(
            (got[0].first_line, got[1].first_line),
            (1, 1 + lines_before)
        );
    }

    #[test]
    fn a_line_longer_than_a_block_stays_whole() {
        let mut data = vec![b'x'; BLOCK_SIZE * 3];
        data.push(b'\n');
        data.extend_from_slice(b"tail");
        let got = blocks(&data);
        // The long line is never split across blocks.
        assert!(got[0].data.len() > BLOCK_SIZE * 3);
        assert_eq!(got.iter().map(|b| b.data.len()).sum::<usize>(), data.len());
    }

    #[test]
    fn the_line_ending_carries_over_blocks_and_blank_lines() {
        assert!(after_lines(false, b"a\r\n\n \n"));
        assert!(!after_lines(true, b"a\r\nb\n"));
        assert!(after_lines(true, b"\n\n"));
        assert!(!after_lines(false, b"x"));
        let mut prev = false;
        for line in [&b"a\r\n"[..], b"\n", b" \n", b"b"] {
            prev = after_line(prev, line);
        }
        assert!(prev);
        let mut data = b"{}\r\n".repeat(BLOCK_SIZE / 4 + 10);
        data.extend_from_slice(b"{}");
        let got = blocks(&data);
        assert!(got.len() > 1 && !got[0].prev_crlf && got[1].prev_crlf);
    }

    #[test]
    fn only_the_unsearched_part_is_searched() {
        assert_eq!(last_newline(b"ab\ncd\nef", 0), Some(5));
        assert_eq!(last_newline(b"ab\ncd\nef", 6), None);
        assert_eq!(last_newline(b"abcd\nef", 3), Some(4));
        assert_eq!(last_newline(b"ab", 9), None);
    }

    /// Lines over the limit arrive as blocks of their own, with no data; the blocks still
    /// cover the input, in order, with the right line numbers, whatever the line's length
    /// against the block size.
    #[test]
    fn a_line_over_the_limit_streams_and_the_blocks_still_cover_the_input() {
        for long in [500, BLOCK_SIZE * 3 + 7] {
            let mut data = b"{}\n[1]\n".to_vec();
            data.extend(std::iter::repeat_n(b' ', long));
            data.extend_from_slice(b"\n{}\n");
            data.extend(std::iter::repeat_n(b'x', long));
            let got: Vec<Block> = std::thread::scope(|s| {
                spawn(s, &data[..], 2, 400)
                    .into_iter()
                    .map(|b| b.unwrap())
                    .collect()
            });
            let mut at = 0;
            let mut lines = Vec::new();
            for b in &got {
                assert_eq!(b.offset, at);
                at += b.len();
                if let Some(o) = &b.oversize {
                    assert!(b.data.is_empty());
                    lines.push((b.first_line, o.len, o.has_newline));
                }
            }
            assert_eq!(at, data.len() as u64);
            assert_eq!(lines, vec![(3, long as u64, true), (5, long as u64, false)]);
            assert!(got[0].data.starts_with(b"{}\n[1]\n"));
        }
    }

    #[test]
    fn empty_input_has_no_block() {
        assert!(blocks(b"").is_empty());
    }
}
