//! Text encodings other than UTF-8, decoded to UTF-8 before the readers see
//! the bytes: UTF-16 (with its byte order mark, as Excel's "Unicode text"
//! saves), and Windows-1251 (Russian spreadsheets' CSV), which a delimited
//! file is taken to be when its start is not UTF-8.

use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE, WINDOWS_1251};

/// The encoding of a file from its first bytes, when it is not UTF-8:
/// UTF-16 by its byte order mark; Windows-1251 for delimited text
/// (`delimited`) whose start has bytes that cannot be UTF-8.
pub fn detect(head: &[u8], delimited: bool) -> Option<&'static Encoding> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Some(UTF_16LE);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(UTF_16BE);
    }
    match std::str::from_utf8(head) {
        // A sequence cut by the end of the head is not a sign of anything.
        Err(error) if delimited && error.error_len().is_some() => Some(WINDOWS_1251),
        _ => None,
    }
}

/// A reader that decodes `encoding` to UTF-8 as it streams. (UTF-16
/// without a byte order mark is not guessed: such files are rare and the
/// guess is often wrong.)
pub struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_len: usize,
    output: Vec<u8>,
    output_start: usize,
    output_end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> DecodingReader<R> {
    /// Decodes `inner` from `encoding` (a byte order mark is removed).
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 32 * 1024],
            input_len: 0,
            output: vec![0; 128 * 1024],
            output_start: 0,
            output_end: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.output_start < self.output_end {
                let n = buf.len().min(self.output_end - self.output_start);
                buf[..n].copy_from_slice(&self.output[self.output_start..self.output_start + n]);
                self.output_start += n;
                return Ok(n);
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            if !self.eof && self.input_len < self.input.len() {
                let n = self.inner.read(&mut self.input[self.input_len..])?;
                if n == 0 {
                    self.eof = true;
                }
                self.input_len += n;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[..self.input_len], &mut self.output, self.eof);
            self.input.copy_within(read..self.input_len, 0);
            self.input_len -= read;
            self.output_start = 0;
            self.output_end = written;
            if self.eof && result == CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: &'static Encoding) -> String {
        let mut text = String::new();
        // A tiny inner read size crosses every boundary.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = out.len().min(3).min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        DecodingReader::new(Trickle(bytes), encoding)
            .read_to_string(&mut text)
            .expect("decodes");
        text
    }

    #[test]
    fn utf16_and_windows_1251_decode_to_utf8() {
        let text = "заголовок;дата\nУчения;24.02.2022\n";
        let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&utf16, false), Some(UTF_16LE));
        assert_eq!(decode(&utf16, UTF_16LE), text);
        let (cp1251, _, _) = WINDOWS_1251.encode(text);
        assert_eq!(detect(&cp1251, true), Some(WINDOWS_1251));
        assert_eq!(detect(&cp1251, false), None, "JSON must be UTF-8");
        assert_eq!(decode(&cp1251, WINDOWS_1251), text);
        assert_eq!(detect(text.as_bytes(), true), None);
        // A UTF-8 character cut by the end of the head is still UTF-8.
        assert_eq!(detect(&text.as_bytes()[..1], true), None);
    }
}
