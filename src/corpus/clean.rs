//! Scraped-page cleaning: what is dropped from a page before analysis, and where every kept
//! line came from.

use rustc_hash::FxHashSet;

use super::Document;
use crate::text::tokenize::is_arabic_letter;

/// Removes scraped-page boilerplate: repeated lines and lines without an Arabic letter.
pub fn clean_scraped(text: &str) -> String {
    clean_scraped_mapped(text).0
}

/// [`clean_scraped`], also giving `[start in the cleaned text, start in text]` of each kept
/// line (see [`Document::origin`]).
pub fn clean_scraped_mapped(text: &str) -> (String, Vec<[usize; 2]>) {
    let mut seen = FxHashSet::default();
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || !line.chars().any(is_arabic_letter) || !seen.insert(line) {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        // `line` is a slice of `text`, so its address says where it starts there
        origin.push([out.len(), line.as_ptr() as usize - text.as_ptr() as usize]);
        out.push_str(line);
    }
    (out, origin)
}

/// Decodes file bytes as UTF-8 text, or says precisely why not.
/// Turns raw text into a document, or a reason to skip it.
pub(crate) fn document(
    id: String,
    label: Option<String>,
    raw: &str,
    source: Option<String>,
) -> Result<Document, String> {
    let (text, origin) = clean_scraped_mapped(raw);
    if text.is_empty() {
        return Err("no Arabic text".into());
    }
    Ok(Document {
        id,
        label,
        text,
        source,
        origin,
        date: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_drops_repeats_and_latin_lines() {
        let raw = "عنوان الخبر\nصورة (رويترز)\nصورة (رويترز)\nTT\nSorry, you need to enable JavaScript\nنص الخبر";
        assert_eq!(clean_scraped(raw), "عنوان الخبر\nصورة (رويترز)\nنص الخبر");
    }

    /// Every byte of the cleaned text maps back to the same byte of the input, across dropped
    /// lines, trimmed indentation and CRLF line ends.
    #[test]
    fn cleaned_offsets_map_back_to_the_input() {
        let raw = "TT\r\n  عنوان الخبر  \r\nصورة (رويترز)\nصورة (رويترز)\nFooter\n\tنص الخبر هنا\n";
        let doc = document("x".into(), None, raw, None).unwrap();
        assert_eq!(doc.text, "عنوان الخبر\nصورة (رويترز)\nنص الخبر هنا");
        for line_start in [
            0,
            doc.text.find("صورة").unwrap(),
            doc.text.find("نص").unwrap(),
        ] {
            let line_end = doc.text[line_start..]
                .find('\n')
                .map_or(doc.text.len(), |n| line_start + n);
            let (s, e) = (doc.input_offset(line_start), doc.input_offset(line_end));
            assert_eq!(&raw[s..e], &doc.text[line_start..line_end]);
        }
        // a word in the last line
        let w = doc.text.find("هنا").unwrap();
        let s = doc.input_offset(w);
        assert_eq!(&raw[s..s + "هنا".len()], "هنا");
        // text built in code has no origin: offsets are its own
        let plain = Document {
            origin: Vec::new(),
            ..doc
        };
        assert_eq!(plain.input_offset(7), 7);
    }
}
