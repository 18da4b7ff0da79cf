//! Long pieces — a run of CJK text without spaces is one piece of hundreds of bytes — are where
//! merging costs most: about two pair lookups per byte, ~50 MB/s. `bpe-openai`'s backtracking
//! encoder counts them several times faster, but building it takes ~45 ms of CPU (it deserialises
//! its dictionary), which a small file should not pay.
//!
//! So: long pieces are merged here until a file has shown enough of them to make the build pay
//! (1 MiB of long-piece bytes, ~20 ms of merging); then the encoder is built on a background
//! thread, and once it is ready long pieces go to it. Inputs known to be large (8 MiB or more)
//! start the build at once. Both give tiktoken's exact count (tested against each other), so
//! which one counted a piece never shows in the output.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Long-piece bytes merged here before the encoder is worth building.
const BUILD_AFTER: usize = 1 << 20;

/// Input known to be at least this large builds the encoder from the start, in the background.
pub const LARGE_INPUT: u64 = 8 << 20;

pub struct Long {
    ready: OnceLock<&'static bpe_openai::Tokenizer>,
    started: AtomicBool,
    merged: AtomicUsize,
    build: fn() -> &'static bpe_openai::Tokenizer,
}

pub static O200K: Long = Long::new(bpe_openai::o200k_base);
pub static CL100K: Long = Long::new(bpe_openai::cl100k_base);

impl Long {
    const fn new(build: fn() -> &'static bpe_openai::Tokenizer) -> Long {
        Long {
            ready: OnceLock::new(),
            started: AtomicBool::new(false),
            merged: AtomicUsize::new(0),
            build,
        }
    }

    /// Tokens of `piece`: from the encoder if it is built, else by `merge` (and, past the
    /// threshold, the encoder starts building).
    pub fn count(&'static self, piece: &[u8], merge: impl FnOnce() -> usize) -> usize {
        if let Some(t) = self.ready.get() {
            return t.bpe.count(piece);
        }
        let n = merge();
        let seen = self.merged.fetch_add(piece.len(), Ordering::Relaxed) + piece.len();
        if seen >= BUILD_AFTER {
            self.start();
        }
        n
    }

    /// Starts building the encoder on a background thread (once).
    pub fn start(&'static self) {
        if !self.started.swap(true, Ordering::Relaxed) {
            std::thread::spawn(move || {
                let _ = self.ready.set((self.build)());
            });
        }
    }

    /// The encoder, built now (tests compare both paths).
    #[cfg(test)]
    pub fn encoder(&self) -> &'static bpe_openai::Tokenizer {
        (self.build)()
    }
}
