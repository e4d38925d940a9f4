//! Arabic orthographic normalisation.
//!
//! News text spells one word many ways: with or without harakat, with أ/إ/ا, with ى or ي at the
//! end, with Persian keyboard letters, with Arabic-Indic digits. Each rule is a serialisable
//! toggle so a saved model re-creates exactly the normalisation it was trained with.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Which normalisation rules apply. Every field defaults to `true`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeConfig {
    /// Unicode NFKC: presentation forms and lam-alef ligatures become plain letters.
    pub nfkc: bool,
    /// Drop harakat U+064B–U+0652 and superscript alef U+0670.
    pub strip_harakat: bool,
    /// Drop Quranic annotation marks U+0610–U+061A and U+06D6–U+06ED.
    pub strip_quranic_marks: bool,
    /// Drop tatweel U+0640 (kashida), a purely typographic stretch.
    pub strip_tatweel: bool,
    /// Fold أ إ آ ٱ to bare alef ا: news sites are inconsistent with hamza seats on alef.
    pub fold_alef: bool,
    /// Fold alef maqsura ى to ي (Egyptian-style spelling writes final ي as ى).
    pub fold_alef_maqsura: bool,
    /// Fold taa marbuta ة to ه (often typed as ه at the end of a word).
    pub fold_taa_marbuta: bool,
    /// Fold Persian/Urdu keyboard letters ی ې ۍ to ي and ک to ك.
    pub fold_persian: bool,
    /// Map Arabic-Indic ٠–٩ and Persian ۰–۹ digits to ASCII 0–9.
    pub fold_digits: bool,
    /// Drop invisible format and bidi controls (U+061C, U+200B–U+200F, U+202A–U+202E,
    /// U+2066–U+2069, U+FEFF) that scrapers carry over from web pages.
    pub drop_format_controls: bool,
    /// Lower-case letters (Arabic has no case; this affects Latin fragments).
    pub lowercase: bool,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            nfkc: true,
            strip_harakat: true,
            strip_quranic_marks: true,
            strip_tatweel: true,
            fold_alef: true,
            fold_alef_maqsura: true,
            fold_taa_marbuta: true,
            fold_persian: true,
            fold_digits: true,
            drop_format_controls: true,
            lowercase: true,
        }
    }
}

pub(crate) fn is_harakah(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}')
}

pub(crate) fn is_quranic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{06D6}'..='\u{06ED}')
}

pub(crate) fn is_format_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// True when NFKC cannot change `c` in any context we meet: the common case of plain Arabic
/// letters and ASCII, which lets normalisation skip the (slow) NFKC pass.
fn nfkc_inert(c: char) -> bool {
    // U+0621–U+064A are base letters; marks that compose with alef (U+0653–U+0655) are excluded.
    c.is_ascii() || matches!(c, '\u{0621}'..='\u{064A}' | '\u{064B}'..='\u{0652}')
}

impl NormalizeConfig {
    /// Applies the per-character rules (everything except NFKC) to one character.
    fn map_char(&self, c: char, out: &mut String) {
        if (self.strip_harakat && is_harakah(c))
            || (self.strip_quranic_marks && is_quranic_mark(c))
            || (self.strip_tatweel && c == '\u{0640}')
            || (self.drop_format_controls && is_format_control(c))
        {
            return;
        }
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' if self.fold_alef => 'ا',
            'ى' if self.fold_alef_maqsura => 'ي',
            'ة' if self.fold_taa_marbuta => 'ه',
            'ی' | 'ې' | 'ۍ' if self.fold_persian => 'ي',
            'ک' if self.fold_persian => 'ك',
            '٠'..='٩' if self.fold_digits => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '۰'..='۹' if self.fold_digits => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            _ => c,
        };
        if self.lowercase && !c.is_lowercase() && c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }

    fn normalize_once(&self, text: &str, out: &mut String) {
        out.clear();
        if self.nfkc && !text.chars().all(nfkc_inert) {
            for c in text.nfkc() {
                self.map_char(c, out);
            }
        } else {
            for c in text.chars() {
                self.map_char(c, out);
            }
        }
    }

    /// Normalises `text` into `out` (cleared first).
    ///
    /// The result is idempotent: removing a mark can bring a base letter next to a combining
    /// character that NFKC then composes (and lower-casing can produce new compatibility
    /// characters), so the rules are re-applied until the text stops changing.
    pub fn normalize_into(&self, text: &str, out: &mut String) {
        self.normalize_once(text, out);
        // Plain Arabic letters and ASCII map to plain Arabic letters and ASCII, which the rules
        // leave unchanged: one pass is already a fixpoint (the common case, no second pass).
        if (!self.nfkc && !self.lowercase) || text.chars().all(nfkc_inert) {
            return;
        }
        let mut next = String::new();
        // The first pass settles almost every input; the bound only guards pathological ones.
        for _ in 0..8 {
            self.normalize_once(out, &mut next);
            if next == *out {
                return;
            }
            std::mem::swap(out, &mut next);
        }
    }

    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        self.normalize_into(text, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        NormalizeConfig::default().normalize(s)
    }

    #[test]
    fn strips_marks_and_folds_letters() {
        assert_eq!(n("مُحَمَّدٌ"), "محمد");
        assert_eq!(n("أفغانستان إيران آسيا ٱلله"), "افغانستان ايران اسيا الله");
        assert_eq!(n("مصطفى"), "مصطفي");
        assert_eq!(n("الحكومة"), "الحكومه");
        assert_eq!(n("جـــديد"), "جديد");
        assert_eq!(n("ایران کابل"), "ايران كابل");
        assert_eq!(n("٢٠٢٥ ۱۴"), "2025 14");
        assert_eq!(n("NATO Kabul"), "nato kabul");
    }

    #[test]
    fn nfkc_unfolds_presentation_forms_and_ligatures() {
        // U+FEFB is the lam-alef ligature, U+FE8D..: isolated presentation forms.
        assert_eq!(n("\u{FEFB}"), "لا");
        assert_eq!(n("\u{FEDF}\u{FEE0}\u{FE8E}"), "للا");
    }

    #[test]
    fn drops_format_controls() {
        assert_eq!(n("كابول\u{200F}\u{061C}\u{FEFF}"), "كابول");
    }

    #[test]
    fn toggles_are_honoured() {
        let cfg = NormalizeConfig {
            fold_taa_marbuta: false,
            strip_harakat: false,
            ..Default::default()
        };
        assert_eq!(cfg.normalize("الحكومةُ"), "الحكومةُ");
    }

    #[test]
    fn alef_with_hamza_mark_composes_then_folds() {
        // ا + U+0654 (hamza above) is NFKC-composed to أ, then folded back to ا.
        assert_eq!(n("\u{0627}\u{0654}من"), "امن");
    }
}
