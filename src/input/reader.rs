//! Reads any `Read` in large blocks cut at newlines, on its own thread, a bounded number ahead.
//!
//! The file is never held whole in memory: at most `capacity` blocks wait in the channel while
//! the pool works on the blocks in flight. A single line longer than a block is carried until its newline
//! arrives (a line has to be parsed whole).

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver};

/// Bytes per block. Large enough that per-block overhead vanishes (a task and a buffer per
/// block), small enough that even a 1 MB file is split among the cores.
pub const BLOCK_SIZE: usize = 1 << 18;

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
/// stream.
pub fn spawn<'scope, R: Read + Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    mut input: R,
    capacity: usize,
) -> Receiver<io::Result<Block>> {
    let (tx, rx) = sync_channel(capacity);
    scope.spawn(move || {
        let mut carry: Vec<u8> = Vec::new();
        let mut offset = 0u64;
        let mut first = true;
        let mut first_line = 1u64;
        let mut prev_crlf = false;
        let mut eof = false;
        while !eof {
            let mut buf = std::mem::take(&mut carry);
            // The carried bytes hold no newline (they follow the last one cut at, or are a line
            // still being read): only what is read now is searched, so a line of any length is
            // scanned once, not once per block.
            let searched = buf.len();
            let want = buf.len() + BLOCK_SIZE;
            buf.reserve(BLOCK_SIZE);
            // Fill up to a block, or to EOF.
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
            if !eof {
                match last_newline(&buf, searched) {
                    Some(nl) => carry = buf.split_off(nl + 1),
                    None => {
                        // One line longer than a block: keep reading it.
                        carry = buf;
                        continue;
                    }
                }
            }
            if buf.is_empty() {
                continue;
            }
            let len = buf.len() as u64;
            let newlines = memchr::memchr_iter(b'\n', &buf).count() as u64;
            let next_crlf = after_lines(prev_crlf, &buf);
            let block = Block {
                data: buf,
                offset,
                first,
                first_line,
                prev_crlf,
            };
            prev_crlf = next_crlf;
            offset += len;
            first_line += newlines;
            first = false;
            if tx.send(Ok(block)).is_err() {
                return;
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(data: &[u8]) -> Vec<Block> {
        std::thread::scope(|s| spawn(s, data, 2).into_iter().map(|b| b.unwrap()).collect())
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

    #[test]
    fn empty_input_has_no_block() {
        assert!(blocks(b"").is_empty());
    }
}
