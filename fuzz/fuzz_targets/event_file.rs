//! Event files through the streaming scanner: any bytes must give a summary or
//! an error, never a panic, with every message inside the file.
//!
//! The input is two header bytes and then the file:
//! - byte 0 (`mode`) seeds the reader: it hands the file out in irregular
//!   chunks of 1..=`(mode & 0x1f) + 1` bytes, and when `mode & 0x20` is set,
//!   every other read fails with `Interrupted` (which must be retried);
//! - when `mode` is `0xff`, the file is preceded by spaces so that the
//!   scanner's 4 MiB read boundary falls `byte 1` bytes into it (capped at the
//!   file's length): tokens and records cut by a buffer refill, blocks handed
//!   out early and line counts carried across blocks, which small files
//!   never reach otherwise. Such a run scans 4 MiB, so it is kept to one
//!   mode value in 256 to leave the fuzzer its speed;
//! - otherwise the file is also loaded through `EventSetBuilder`, as the app
//!   does.

#![no_main]

mod check;

use std::io::{self, Read};
use std::sync::LazyLock;

use borderwatch::data::RegionSet;
use borderwatch::data::events::read::read_event_stream;
use libfuzzer_sys::fuzz_target;

const FILE: &str = "fuzz.json";
/// The scanner's read size (`READ_SIZE` in src/data/json_records.rs).
const READ_SIZE: usize = 4 << 20;

static REGIONS: LazyLock<RegionSet> =
    LazyLock::new(|| RegionSet::bundled().expect("the bundled regions load"));

/// Hands out `pad` spaces, then `body` in irregular small chunks.
struct Trickle<'a> {
    pad: usize,
    body: &'a [u8],
    state: u32,
    max_chunk: usize,
    interrupt: bool,
    interrupted_last: bool,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.interrupt && !std::mem::replace(&mut self.interrupted_last, true) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.interrupted_last = false;
        if self.pad > 0 {
            let n = self.pad.min(buf.len());
            buf[..n].fill(b' ');
            self.pad -= n;
            return Ok(n);
        }
        // xorshift32: the chunk sizes follow from the mode byte.
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        let n = (1 + self.state as usize % self.max_chunk)
            .min(buf.len())
            .min(self.body.len());
        let (chunk, rest) = self.body.split_at(n);
        buf[..n].copy_from_slice(chunk);
        self.body = rest;
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let (mode, arg, body) = match data {
        [mode, arg, body @ ..] => (*mode, usize::from(*arg), body),
        _ => (0, 0, data),
    };
    let padded = mode == 0xff;
    let pad = if padded {
        READ_SIZE - arg.min(body.len())
    } else {
        0
    };
    let lines = check::Lines::new(pad, body);
    let reader = Trickle {
        pad,
        body,
        state: 0x9e37_79b9 ^ u32::from(mode),
        max_chunk: usize::from(mode & 0x1f) + 1,
        interrupt: mode & 0x20 != 0,
        interrupted_last: false,
    };

    let regions = &*REGIONS;
    let result = check::check_stream(FILE, &lines, regions, |context, on_batch| {
        read_event_stream(FILE, reader, context, on_batch)
    });
    if !padded {
        check::check_builder(FILE, &lines, regions, body, result.is_ok());
    }
});
