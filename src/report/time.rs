//! Topics over time: each topic's articles per period, as lines.

use crate::metrics::timeline::{Period, Timeline};
use crate::topics::TopicModel;

use std::fmt::Write;

use super::draw::*;

/// Each topic's articles per period, one line per topic, time running left to right.
pub(super) fn over_time_section(t: &TopicModel, tl: &Timeline) -> String {
    let (w, h, left, right, top, bottom) = (900.0, 360.0, 48.0, 40.0, 16.0, 40.0);
    let n = tl.periods.len();
    let max = (tl.counts.iter().flatten().copied().max().unwrap_or(0)).max(1) as f64;
    let x = |p: usize| {
        if n <= 1 {
            (left + w - right) / 2.0
        } else {
            left + p as f64 / (n - 1) as f64 * (w - left - right)
        }
    };
    let y = |c: u64| h - bottom - c as f64 / max * (h - top - bottom);
    let per = match tl.period {
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    };
    let undated: u64 = tl.undated.iter().sum();
    let mut s = format!(
        "<section id=\"over-time\"><h2>المواضيع عبر الزمن <small>(articles per topic by {en}: \
         <span class=\"ltr\">{dated}</span> dated, <span class=\"ltr\">{undated}</span> undated)</small></h2>\
         <div class=\"card fit\"><svg id=\"topics-over-time\" class=\"chart\" direction=\"ltr\" xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" data-periods=\"{n}\" data-period=\"{en}\">\
         <line class=\"axis\" x1=\"{left}\" y1=\"{yb}\" x2=\"{xr}\" y2=\"{yb}\"/>\
         <line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{yb}\"/>\
         <text class=\"tick\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{max}</text>\
         <text class=\"tick\" x=\"{tx}\" y=\"{yb}\" text-anchor=\"end\">0</text>",
        en = per,
        dated = tl.dated,
        yb = h - bottom,
        xr = w - right,
        tx = left - 6.0,
        ty = top + 10.0,
        max = max as u64,
    );
    // about eight period names under the axis
    let every = n.div_ceil(8).max(1);
    for p in (0..n).step_by(every) {
        let _ = write!(
            s,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(p),
            h - bottom + 16.0,
            escape(&tl.periods[p])
        );
    }
    for (j, counts) in tl.counts.iter().enumerate() {
        let points: Vec<String> = (counts.iter().enumerate())
            .map(|(p, &c)| format!("{:.1},{:.1}", x(p), y(c)))
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"topic-line\" data-topic=\"{j}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
            PALETTE[j % PALETTE.len()],
            points.join(" "),
            escape(&t.topics.get(j).map(|tp| tp.label()).unwrap_or_default()),
        );
    }
    s += "</svg><ul class=\"legend\">";
    for (j, tp) in t.topics.iter().enumerate() {
        let _ = write!(
            s,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}: {} <small>(<span class=\"ltr\">{}</span> undated)</small></li>",
            PALETTE[j % PALETTE.len()],
            tp.id,
            escape(&tp.label()),
            tl.undated.get(j).copied().unwrap_or(0)
        );
    }
    let stray: u64 = tl.earlier.iter().chain(&tl.later).sum();
    let _ = write!(
        s,
        "</ul><p class=\"size\">{}</p></div></section>",
        left_out(undated, stray)
    );
    s
}

/// What the chart leaves out: undated articles, and the few whose dates lie far from the rest.
pub(super) fn left_out(undated: u64, stray: u64) -> String {
    let mut parts = Vec::new();
    if undated > 0 {
        parts.push(format!(
            "<span class=\"ltr\">{undated}</span> مقالة بلا تاريخ <small>(undated)</small>"
        ));
    }
    if stray > 0 {
        parts.push(format!(
            "<span class=\"ltr\">{stray}</span> مقالة بتاريخ بعيد عن البقية <small>(dated far from the rest)</small>"
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(
            "لا تظهر في الرسم: {} <small>(not drawn)</small>",
            parts.join("، ")
        )
    }
}
