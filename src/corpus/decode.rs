//! File bytes to text: UTF-8 (with or without a byte-order mark), UTF-16 (with a BOM, or
//! recognised without one), and a precise reason for anything else.

use crate::text::tokenize::is_arabic_letter;

pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes file bytes as text, or says precisely why not.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        return if had_errors {
            Err("invalid UTF-16 (has a UTF-16 byte-order mark)".into())
        } else {
            Ok(text.into_owned())
        };
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.contains(&0) {
        // Text saved as UTF-16 without a byte-order mark (Windows "Unicode" exports) is full of
        // NUL bytes too: decode it when it reads as text, not as a binary file.
        return utf16_without_bom(bytes).ok_or_else(|| "binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(not_utf8(bytes, e.valid_up_to())),
    }
}

/// Why `bytes` is not UTF-8. Windows-1256 is suggested only when the file has no valid
/// multi-byte UTF-8 sequence at all: converting a UTF-8 file with a few damaged bytes from
/// Windows-1256 would garble every Arabic letter in it.
fn not_utf8(bytes: &[u8], first_bad: usize) -> String {
    let invalid = invalid_utf8_bytes(bytes);
    let has_utf8_letters = std::str::from_utf8(&bytes[..first_bad]).is_ok_and(|s| !s.is_ascii())
        || String::from_utf8_lossy(bytes)
            .chars()
            .any(|c| !c.is_ascii() && c != char::REPLACEMENT_CHARACTER);
    if has_utf8_letters {
        return format!(
            "not valid UTF-8: {invalid} invalid byte(s), the first at offset {first_bad}; the rest \
             is UTF-8, so the file is probably damaged (re-export or re-download it)"
        );
    }
    let (as_1256, _, bad) = encoding_rs::WINDOWS_1256.decode(bytes);
    let arabic = as_1256.chars().filter(|&c| is_arabic_letter(c)).count();
    if !bad && arabic * 2 > as_1256.chars().filter(|c| c.is_alphabetic()).count() {
        format!(
            "not UTF-8 (looks like Windows-1256 Arabic; convert it with `iconv -f WINDOWS-1256 -t \
             UTF-8`) at byte {first_bad}"
        )
    } else {
        format!("not UTF-8 (invalid byte at offset {first_bad})")
    }
}

/// How many bytes of `bytes` are not part of a valid UTF-8 sequence.
fn invalid_utf8_bytes(mut bytes: &[u8]) -> usize {
    let mut n = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(_) => return n,
            Err(e) => {
                let bad = e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
                n += bad;
                bytes = &bytes[e.valid_up_to() + bad..];
            }
        }
    }
}

/// `bytes` as UTF-16 without a byte-order mark, when that is what they plainly are: an even
/// length, every code unit valid, and most of the text letters, digits, spaces or punctuation.
fn utf16_without_bom(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    // The high byte of ASCII and Arabic (U+0600–U+06FF) text is 0x00 or 0x06: it says which
    // half of every pair is the high one.
    let high = |offset: usize| {
        (bytes.iter().skip(offset).step_by(2))
            .filter(|&&b| b == 0x00 || b == 0x06)
            .count()
    };
    let pairs = bytes.len() / 2;
    let enc = if high(1) * 10 >= pairs * 9 {
        encoding_rs::UTF_16LE
    } else if high(0) * 10 >= pairs * 9 {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors || text.contains('\0') {
        return None;
    }
    let chars = text.chars().count();
    let texty = (text.chars())
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || c.is_ascii_punctuation())
        .count();
    (texty * 10 >= chars * 9).then(|| text.into_owned())
}

/// Reads and decodes one text file (see [`decode`]).
pub fn read_text_file(path: &std::path::Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| super::io_reason(path, &e))?;
    decode(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reports_each_bad_kind() {
        assert_eq!(decode(b""), Err("empty file".into()));
        assert!(decode(b"\x00\x01\x02abc").unwrap_err().contains("binary"));
        // "سلام" in Windows-1256.
        assert!(
            decode(&[0xD3, 0xE1, 0xC7, 0xE3, 0x20, 0xD3, 0xE1, 0xC7, 0xE3])
                .unwrap_err()
                .contains("Windows-1256")
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("سلام".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "سلام");
        assert_eq!(decode("\u{FEFF}سلام".as_bytes()).unwrap(), "سلام");
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_decoded_not_called_binary() {
        let text = "سلام عليكم، هذا خبر (2026).\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&le).unwrap(), text);
        assert_eq!(decode(&be).unwrap(), text);
        // a real binary file with NULs stays binary
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06";
        assert!(decode(png).unwrap_err().contains("binary"));
    }

    #[test]
    fn utf8_with_a_few_bad_bytes_is_not_called_windows_1256() {
        let mut bytes = "خبر عن السلام في كابول".as_bytes().to_vec();
        bytes.splice(7..7, [0xFF, 0xFE, 0xC0]);
        let e = decode(&bytes).unwrap_err();
        assert!(e.contains("3 invalid byte(s)"), "{e}");
        assert!(e.contains("offset 7"), "{e}");
        assert!(!e.contains("1256"), "{e}");
    }
}
