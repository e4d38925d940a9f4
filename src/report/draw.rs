//! The report's drawing kit: escaping, right-to-left and left-to-right text in SVG, scales and
//! axes, the bar chart and the heat map.

use crate::text::tokenize::is_arabic_letter;
use std::fmt::Write;

/// Categorical colours (Tableau 10), topic `i` gets `PALETTE[i % 10]`.
pub(super) const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Escapes text for HTML and SVG content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Direction attributes for a label whose right edge is at `x`: Arabic text runs right to left
/// from it (`start`), Latin text ends at it.
pub(super) fn right_aligned(s: &str) -> &'static str {
    if s.chars().any(is_arabic_letter) {
        "direction=\"rtl\" text-anchor=\"start\""
    } else {
        "direction=\"ltr\" text-anchor=\"end\""
    }
}

/// About how wide `s` is set at `size` px (Arabic letters and Latin ones average about 0.6 of
/// the font size in the report's fonts): enough to lay columns out so names do not collide.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

pub(super) fn dir_of(s: &str) -> &'static str {
    if s.chars().any(is_arabic_letter) {
        "rtl"
    } else {
        "ltr"
    }
}

pub(super) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(super) fn first_line(text: &str, n: usize) -> String {
    truncate(
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim(),
        n,
    )
}

pub(super) fn fmt_num(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Horizontal bars growing right-to-left from a common baseline, labels on the right.
/// `items`: (label, value, value shown).
pub(super) fn bar_chart(id: &str, items: &[(String, f64, String)], colour: &str) -> String {
    let (w, row_h, label_w, value_w) = (520.0, 24.0, 150.0, 56.0);
    let h = row_h * items.len() as f64 + 8.0;
    let max = items.iter().map(|i| i.1).fold(0.0_f64, f64::max);
    let base = w - label_w;
    let span = base - value_w;
    let mut s = format!(
        "<svg id=\"{}\" class=\"chart bar-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\">",
        escape(id)
    );
    for (i, (label, v, shown)) in items.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let len = if max > 0.0 { v / max * span } else { 0.0 };
        let _ = write!(
            s,
            "<g class=\"bar-row\"><title>{t}: {sh}</title>\
             <rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{:.1}\" fill=\"{colour}\" rx=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" {}>{t}</text>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" direction=\"ltr\" text-anchor=\"end\">{sh}</text></g>",
            base - len,
            y + 3.0,
            row_h - 6.0,
            w - 6.0,
            y + row_h / 2.0 + 4.5,
            right_aligned(label),
            base - len - 4.0,
            y + row_h / 2.0 + 4.0,
            t = escape(label),
            sh = escape(shown),
        );
    }
    s += "</svg>";
    s
}

/// Linear scale from [lo, hi] (padded by 6 %) onto [a, b].
pub(super) fn scale(lo: f64, hi: f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
    let (mut lo, mut hi) = (lo, hi);
    if !(hi - lo).is_finite() || hi - lo < 1e-12 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.06;
    let (lo, hi) = (lo - pad, hi + pad);
    move |v| a + (v - lo) / (hi - lo) * (b - a)
}

pub(super) fn axes(w: f64, h: f64, m: f64) -> String {
    format!(
        "<line class=\"axis\" x1=\"{m}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\"/>\
         <line class=\"axis\" x1=\"{m}\" y1=\"{m}\" x2=\"{m}\" y2=\"{y}\"/>\
         <text class=\"tick\" x=\"{x2}\" y=\"{ty}\" direction=\"rtl\" text-anchor=\"start\">المكوّن الأول <tspan direction=\"ltr\" unicode-bidi=\"isolate\">(SVD 1)</tspan> →</text>\
         <text class=\"tick\" x=\"{tx}\" y=\"{ty2}\" direction=\"rtl\" text-anchor=\"end\">↑ المكوّن الثاني <tspan direction=\"ltr\" unicode-bidi=\"isolate\">(SVD 2)</tspan></text>",
        y = h - m,
        x2 = w - m,
        ty = h - m + 18.0,
        tx = m + 4.0,
        ty2 = m - 8.0,
    )
}

/// Rows on the right, columns running right to left; shade ∝ the row share of each cell.
pub(super) fn heatmap(
    id: &str,
    rows: &[String],
    cols: &[String],
    counts: &[Vec<usize>],
    row_title: &str,
    col_title: &str,
) -> String {
    // A column's name is set on several lines, one per " · "-separated part (a topic's
    // name) or whole (a label), and the columns are as wide as the widest line, so no name is
    // cut and no two run into each other.
    let col_lines: Vec<Vec<&str>> = cols
        .iter()
        .map(|c| c.split(" · ").filter(|p| !p.trim().is_empty()).collect())
        .collect();
    let widest = (col_lines.iter().flatten())
        .map(|l| text_width(l, 11.0))
        .fold(0.0, f64::max);
    let n_lines = col_lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64;
    let cell = (widest + 12.0).clamp(64.0, 150.0);
    let label_w =
        (rows.iter().map(|r| text_width(r, 13.0)).fold(0.0, f64::max) + 16.0).clamp(60.0, 220.0);
    let top = 30.0 + 14.0 * n_lines;
    let w = label_w + cell * cols.len() as f64 + 16.0;
    let h = top + cell * rows.len() as f64 + 16.0;
    let right = w - label_w;
    let mut s = format!(
        "<svg id=\"{}\" class=\"chart heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
         <text class=\"tick\" x=\"{:.1}\" y=\"16\" direction=\"rtl\" text-anchor=\"start\">{} ↓ / {} ←</text>",
        escape(id),
        w - 6.0,
        escape(row_title),
        escape(col_title),
    );
    for (j, (c, lines)) in cols.iter().zip(&col_lines).enumerate() {
        let x = right - (j as f64 + 0.5) * cell;
        let _ = write!(
            s,
            "<text class=\"col-label\" x=\"{x:.1}\" y=\"{:.1}\" direction=\"{}\" text-anchor=\"middle\" font-size=\"11\"><title>{t}</title>",
            top - 8.0 - 14.0 * (lines.len().max(1) - 1) as f64,
            dir_of(c),
            t = escape(c),
        );
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { 14.0 };
            let _ = write!(
                s,
                "<tspan x=\"{x:.1}\" dy=\"{dy}\">{}</tspan>",
                escape(line.trim())
            );
        }
        s += "</text>";
    }
    for (i, (r, row)) in rows.iter().zip(counts).enumerate() {
        let y = top + i as f64 * cell;
        let total: usize = row.iter().sum();
        let _ = write!(
            s,
            "<text class=\"row-label\" x=\"{:.1}\" y=\"{:.1}\" {}>{}</text>",
            w - 6.0,
            y + cell / 2.0 + 4.0,
            right_aligned(r),
            escape(&truncate(r, 32))
        );
        for (j, &n) in row.iter().enumerate() {
            let share = if total > 0 {
                n as f64 / total as f64
            } else {
                0.0
            };
            let x = right - (j as f64 + 1.0) * cell;
            // White → #2c5d8f.
            let mix = |a: f64, b: f64| (a + (b - a) * share).round() as u8;
            let fill = format!(
                "#{:02x}{:02x}{:02x}",
                mix(255.0, 44.0),
                mix(255.0, 93.0),
                mix(255.0, 143.0)
            );
            let ink = if share > 0.5 { "#fff" } else { "#222" };
            let _ = write!(
                s,
                "<g class=\"cell-group\"><title>{}: {} → {}: {n}</title>\
                 <rect class=\"cell\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"#eee\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" direction=\"ltr\" text-anchor=\"middle\" style=\"fill:{ink}\">{n}</text></g>",
                escape(row_title),
                escape(r),
                escape(&cols[j]),
                x + cell / 2.0,
                y + cell / 2.0 + 5.0,
            );
        }
    }
    s += "</svg>";
    s
}
