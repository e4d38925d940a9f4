//! Splits raw text into word tokens with byte offsets into the original text.
//!
//! Tokenisation runs on the *original* text (before normalisation) so that every token can point
//! back at the exact bytes a user would highlight as evidence. A token is a maximal run of one
//! script class: Arabic letters, other letters (Latin…), or digits. Combining marks, tatweel and
//! invisible joiners stay inside the word they decorate; ZWNJ, ZWSP, punctuation (، ؛ ؟ « » …)
//! and white space split.

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    Arabic,
    /// Letters of any other script (in news: Latin fragments, names, URLs).
    Latin,
    Number,
}

/// A token of the original text: `&text[start..end]` are its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Token(TokenKind),
    /// Marks and joiners: part of the current token, never start one.
    Attach,
    Separator,
}

pub(crate) fn is_arabic_letter(c: char) -> bool {
    matches!(c,
        '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}'
        | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}' | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08C9}' | '\u{FB50}'..='\u{FDFB}' | '\u{FE70}'..='\u{FEFC}')
}

fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}' | '\u{08CA}'..='\u{08FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_lowercase() || c.is_ascii_uppercase() {
            Class::Token(TokenKind::Latin)
        } else if c.is_ascii_digit() {
            Class::Token(TokenKind::Number)
        } else {
            Class::Separator
        };
    }
    if is_arabic_letter(c) {
        Class::Token(TokenKind::Arabic)
    } else if is_mark(c)
        || matches!(
            c,
            '\u{0640}' | '\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}'
        )
    {
        Class::Attach
    } else if c.is_numeric() {
        Class::Token(TokenKind::Number)
    } else if c.is_alphabetic() {
        Class::Token(TokenKind::Latin)
    } else {
        Class::Separator
    }
}

/// [`class`] of U+0600–U+06FF (the Arabic block, two UTF-8 bytes 0xD8–0xDB …), looked up
/// instead of matched: Arabic news is mostly this block, and on all of ANT the range tests of
/// `class` were 7% of TF-IDF fitting (perf).
static ARABIC_BLOCK: LazyLock<[Class; 256]> = LazyLock::new(|| {
    std::array::from_fn(|i| class(char::from_u32(0x600 + i as u32).expect("valid")))
});

/// The class, the char and its UTF-8 length at byte `i` (a char boundary) of `text`.
#[inline]
fn class_at(text: &str, i: usize, arabic: &[Class; 256]) -> (Class, char, usize) {
    let b = text.as_bytes();
    let b0 = b[i];
    if b0 < 0x80 {
        let c = char::from(b0);
        return (class(c), c, 1);
    }
    if (0xD8..=0xDB).contains(&b0) {
        // Two-byte sequence (valid UTF-8 is guaranteed by &str): 110xxxxx 10yyyyyy.
        let cp = (u32::from(b0 & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F);
        let c = char::from_u32(cp).expect("valid UTF-8");
        return (arabic[(cp - 0x600) as usize], c, 2);
    }
    let c = text[i..].chars().next().expect("char boundary");
    (class(c), c, c.len_utf8())
}

/// Iterator over the token spans of a text.
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
    arabic: &'static [Class; 256],
}

pub fn tokenize(text: &str) -> Tokens<'_> {
    Tokens {
        text,
        pos: 0,
        arabic: &ARABIC_BLOCK,
    }
}

impl Iterator for Tokens<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let text = self.text;
        let mut start = None;
        let mut kind = TokenKind::Arabic;
        let mut end = text.len();
        let mut at = self.pos;
        while at < text.len() {
            let (cls, c, w) = class_at(text, at, self.arabic);
            match (start, cls) {
                (None, Class::Token(k)) => {
                    start = Some(at);
                    kind = k;
                }
                (None, _) => {}
                (Some(_), Class::Attach) => {}
                (Some(_), Class::Token(k)) if k == kind => {}
                // Digit separators inside a number: 1,000 / 3.5 / ٣٫٥ stay one token.
                (Some(_), Class::Separator)
                    if kind == TokenKind::Number
                        && matches!(c, '.' | ',' | '\u{066B}' | '\u{066C}')
                        && at + w < text.len()
                        && class_at(text, at + w, self.arabic).0
                            == Class::Token(TokenKind::Number) => {}
                (Some(_), _) => {
                    end = at;
                    break;
                }
            }
            at += w;
        }
        let start = start?;
        self.pos = end;
        Some(Span { start, end, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).map(|t| &s[t.start..t.end]).collect()
    }

    #[test]
    fn splits_on_arabic_punctuation_and_keeps_offsets() {
        let s = "قال «طالبان»، هل؟ نعم؛ كابول";
        assert_eq!(words(s), ["قال", "طالبان", "هل", "نعم", "كابول"]);
        let t: Vec<Span> = tokenize(s).collect();
        assert_eq!(&s[t[1].start..t[1].end], "طالبان");
    }

    #[test]
    fn scripts_and_numbers_are_separate_tokens() {
        let s = "حلف NATO في 2025 و3.5 مليون ١٤";
        assert_eq!(
            words(s),
            ["حلف", "NATO", "في", "2025", "و", "3.5", "مليون", "١٤"]
        );
        let kinds: Vec<TokenKind> = tokenize("ب NATO 12").map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [TokenKind::Arabic, TokenKind::Latin, TokenKind::Number]
        );
    }

    #[test]
    fn arabic_block_table_agrees_with_class() {
        for cp in 0x600..=0x6FF {
            let c = char::from_u32(cp).unwrap();
            let s = c.to_string();
            assert!(
                class_at(&s, 0, &ARABIC_BLOCK) == (class(c), c, 2),
                "U+{cp:04X}"
            );
        }
    }

    #[test]
    fn marks_and_tatweel_stay_inside_zwnj_splits() {
        assert_eq!(words("مُحَمَّد جـديد"), ["مُحَمَّد", "جـديد"]);
        assert_eq!(words("می\u{200C}خواهم"), ["می", "خواهم"]);
        assert_eq!(words("\u{064E}\u{064E}"), Vec::<&str>::new());
    }
}
