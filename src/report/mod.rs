//! A self-contained HTML report of a model: one file, no network, no scripts, no web fonts.
//!
//! Every chart is inline SVG written directly here rather than through a plotting crate: it is the
//! simplest route, adds no dependency, and gives full control over right-to-left text (Arabic
//! labels are set with `direction="rtl"`, so `text-anchor="start"` puts them flush right; Latin
//! labels and numbers get `direction="ltr"`). The page itself is `<html dir="rtl" lang="ar">`,
//! and mixed Latin/number fragments in prose are isolated with `unicode-bidi: isolate`.
//!
//! Contents:
//! 1. training facts (corpus, size, parameters, seed, tasnif version, date);
//! 2. per topic: a bar chart of its top words (surface forms), its size and three representative
//!    first lines (supervised models: a bar chart of the training support per label);
//! 3. with a corpus, for topic models: a map of the documents (their first two SVD coordinates,
//!    at most [`MAX_MAP_DOCS`] documents sampled evenly), coloured by topic, and, when the corpus
//!    is labelled, a label × topic heat map; always, for topic models: the intertopic map
//!    (centroids' first two SVD coordinates, bubble area ∝ topic size);
//! 4. with a labelled corpus, for supervised models: the confusion matrix as a heat map and the
//!    per-label precision / recall / F1 table.
//!
//! All text inserted in the page goes through `escape`.

use crate::classify::{Classifier, Row};
use crate::corpus::Corpus;
use crate::metrics::classification::{ClassificationReport, LabelMetrics};
use crate::metrics::evaluation::{Evaluation, Scores, evaluate_rows};
use crate::metrics::timeline::{Period, Timeline};
use crate::model::{Model, ModelKind};
use crate::topics::TopicModel;

use crate::linalg::CsrMatrix;
use crate::text::tokenize::is_arabic_letter;
use std::fmt::Write;

/// Most documents drawn on the document map (and analysed for it).
pub const MAX_MAP_DOCS: usize = 2000;

/// Categorical colours (Tableau 10), topic `i` gets `PALETTE[i % 10]`.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// What to call things in the report.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// The model file as the user named it.
    pub model_path: String,
    /// The corpus as the user named it, when one is given.
    pub corpus_path: Option<String>,
    /// Most documents on the document map.
    pub max_map_docs: usize,
    /// Date the report is generated (YYYY-MM-DD).
    pub generated_on: String,
}

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

/// `n` evenly spaced indices out of `0..len` (all of them when `len <= n`), deterministic.
pub(crate) fn sample_indices(len: usize, n: usize) -> Vec<usize> {
    if len <= n {
        return (0..len).collect();
    }
    (0..n).map(|i| i * len / n).collect()
}

/// One document drawn on the map.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MapPoint {
    pub x: f64,
    pub y: f64,
    pub topic: usize,
    pub title: String,
    pub label: Option<String>,
}

/// Projects the documents at `sampled` into the model's SVD space and assigns each its topic as
/// `classify` does; `rows` holds every sampled document's row. Documents with no known word are
/// left out.
pub(crate) fn document_map(
    topics: &TopicModel,
    corpus: &Corpus,
    rows: &[Option<Row>],
    sampled: &[usize],
) -> Vec<MapPoint> {
    let rows: Vec<(usize, &Row)> = (sampled.iter())
        .filter_map(|&i| rows[i].as_ref().map(|row| (i, row)))
        .filter(|(_, row)| !row.is_empty())
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let mut x = CsrMatrix::empty(topics.svd.n_terms());
    for (_, row) in &rows {
        x.push_row(&row.cols, &row.tfidf);
    }
    let z = topics
        .svd
        .transform(&x)
        .expect("model dimensions were checked on load");
    let mut zn = z.clone();
    crate::linalg::normalize_rows(&mut zn);
    let terms: Vec<(&[u32], &[u32])> = rows
        .iter()
        .map(|(_, row)| (&row.cols[..], &row.counts[..]))
        .collect();
    let assigned = topics.decide(&terms, zn.view());
    rows.iter()
        .enumerate()
        .map(|(r, (i, _))| {
            let d = &corpus.docs[*i];
            MapPoint {
                x: z[[r, 0]],
                y: if z.ncols() > 1 { z[[r, 1]] } else { 0.0 },
                topic: assigned[r].0,
                title: first_line(&d.text, 90),
                label: d.label.clone(),
            }
        })
        .collect()
}

/// Renders the whole report. With a corpus, its evaluation is [`crate::evaluate`]'s, the
/// same numbers `tasnif eval` prints.
pub fn render(classifier: &Classifier, corpus: Option<&Corpus>, opts: &ReportOptions) -> String {
    let model = classifier.model();
    let mut body = String::new();
    match &model.kind {
        ModelKind::Topics(t) => {
            body += &topics_section(t);
            body += "<div class=\"maps\">";
            body += &intertopic_section(t);
            // topic models always evaluate (top-word quality needs no label)
            let evaluated = corpus.and_then(|c| evaluate_rows(classifier, c).ok().map(|e| (c, e)));
            if let Some((c, (_, rows))) = &evaluated {
                let sampled = sample_indices(c.docs.len(), opts.max_map_docs);
                let points = document_map(t, c, rows, &sampled);
                body += &document_map_section(t, &points, c.docs.len(), opts.max_map_docs);
            }
            body += "</div>";
            if let Some((_, (evaluation, _))) = &evaluated {
                body += &topic_evaluation_section(t, evaluation);
                if let Some(timeline) = &evaluation.over_time {
                    body += &over_time_section(t, timeline);
                }
            }
        }
        ModelKind::Supervised(s) => {
            let items: Vec<(String, f64, String)> = s
                .labels
                .iter()
                .zip(&s.support)
                .map(|(l, &n)| (l.clone(), n as f64, n.to_string()))
                .collect();
            let _ = write!(
                body,
                "<section id=\"labels\"><h2>التصنيفات <small>(labels, training documents)</small></h2>\
                 <div class=\"card\">{}</div></section>",
                bar_chart("label-support", &items, PALETTE[0])
            );
            if let Some(c) = corpus {
                match crate::evaluate(classifier, c).map(|e| e.scores) {
                    Ok(Scores::Supervised { report, .. }) => body += &evaluation_section(&report),
                    _ => {
                        body += "<section id=\"evaluation\"><h2>التقييم <small>(evaluation)</small></h2>\
                         <p>لا توجد مقالات موسومة قابلة للتصنيف في المدوّنة <small>(no labelled documents to evaluate on)</small>.</p></section>"
                    }
                }
            }
        }
    }
    body += &facts_section(model, corpus, opts);
    format!(
        "<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>tasnif — {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header><h1>تقرير النموذج <small class=\"ltr\">tasnif report</small></h1>\
         <p class=\"ltr path\">{}</p></header>\n{body}\n\
         <footer>أُنشئ في <span class=\"ltr\">{} · tasnif {}</span></footer>\n</body>\n</html>\n",
        escape(&opts.model_path),
        escape(&opts.model_path),
        escape(&opts.generated_on),
        escape(env!("CARGO_PKG_VERSION")),
    )
}

const CSS: &str = "
body{font-family:'Noto Naskh Arabic','Noto Sans Arabic','DejaVu Sans',sans-serif;margin:24px;color:#222;background:#fafafa;direction:rtl}
h1{margin:0 0 4px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
small{color:#777;font-weight:normal;font-size:70%;direction:ltr;unicode-bidi:isolate}
.ltr{direction:ltr;unicode-bidi:isolate;display:inline-block}
.path{color:#555;margin:0}
.maps{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px;align-items:start}
.maps h2{font-size:120%}
.topics{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px}
.card h3{margin:0 0 4px;font-size:110%}
.card.fit{display:inline-block;max-width:100%;overflow-x:auto}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-inline-end:6px;vertical-align:middle}
.size{color:#555;margin:0 0 8px}
ol.examples{margin:8px 0 0;padding-inline-start:20px;font-size:90%;color:#333}
ol.examples li{margin-bottom:2px}
table{border-collapse:collapse;background:#fff}
td,th{border:1px solid #ddd;padding:4px 10px;text-align:start}
td.num,th.num{direction:ltr;unicode-bidi:isolate;text-align:left;font-variant-numeric:tabular-nums}
pre{direction:ltr;text-align:left;background:#fff;border:1px solid #ddd;padding:8px;font-size:80%;white-space:pre-wrap;max-height:260px;overflow:auto}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px}
svg{background:#fff;max-width:100%;height:auto}
svg text{font-size:13px;fill:#222}
svg .axis{stroke:#bbb;stroke-width:1}
svg .tick{font-size:11px;fill:#777}
footer{margin-top:32px;color:#777;font-size:85%}
";

/// Direction attributes for a label whose right edge is at `x`: Arabic text runs right to left
/// from it (`start`), Latin text ends at it.
fn right_aligned(s: &str) -> &'static str {
    if s.chars().any(is_arabic_letter) {
        "direction=\"rtl\" text-anchor=\"start\""
    } else {
        "direction=\"ltr\" text-anchor=\"end\""
    }
}

/// About how wide `s` is set at `size` px (Arabic letters and Latin ones average about 0.6 of
/// the font size in the report's fonts): enough to lay columns out so names do not collide.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

fn dir_of(s: &str) -> &'static str {
    if s.chars().any(is_arabic_letter) {
        "rtl"
    } else {
        "ltr"
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn first_line(text: &str, n: usize) -> String {
    truncate(
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim(),
        n,
    )
}

fn fmt_num(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn facts_section(model: &Model, corpus: Option<&Corpus>, opts: &ReportOptions) -> String {
    let f = &model.facts;
    let mut rows: Vec<(&str, String)> = vec![
        ("نوع النموذج (kind)", model.kind_name().to_string()),
        ("مدوّنة التدريب (training corpus)", f.corpus_name()),
        (
            "مقالات التدريب (documents)",
            format!("{} ({} skipped)", f.n_docs, f.n_skipped),
        ),
        (
            "المفردات (vocabulary)",
            model.vectorizer.vocabulary().len().to_string(),
        ),
        ("البذرة (seed)", f.seed.to_string()),
        ("تاريخ التدريب (trained on)", f.trained_on.clone()),
        ("إصدار tasnif (version)", f.tasnif_version.clone()),
    ];
    if let ModelKind::Topics(t) = &model.kind {
        rows.push(("عدد المواضيع (topics, k)", t.topics.len().to_string()));
        rows.push(("مكوّنات SVD (components)", t.svd.n_components().to_string()));
    }
    if let (Some(p), Some(c)) = (&opts.corpus_path, corpus) {
        rows.push((
            "مدوّنة التقرير (report corpus)",
            format!("{p} — {} documents", c.docs.len()),
        ));
    }
    let mut s = String::from(
        "<section id=\"facts\"><h2>حقائق التدريب <small>(training facts)</small></h2><table id=\"facts-table\">",
    );
    for (k, v) in rows {
        let _ = write!(
            s,
            "<tr><th>{}</th><td><bdi>{}</bdi></td></tr>",
            escape(k),
            escape(&v)
        );
    }
    s += "</table>";
    let params = serde_json::to_string_pretty(&f.params).unwrap_or_default();
    let _ = write!(
        s,
        "<details><summary>المعاملات <small>(parameters)</small></summary><pre>{}</pre></details></section>",
        escape(&params)
    );
    s
}

/// Horizontal bars growing right-to-left from a common baseline, labels on the right.
/// `items`: (label, value, value shown).
fn bar_chart(id: &str, items: &[(String, f64, String)], colour: &str) -> String {
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

fn topics_section(t: &TopicModel) -> String {
    let mut s = String::from(
        "<section id=\"topics\"><h2>المواضيع <small>(topics: top words, size, representative articles)</small></h2><div class=\"topics\">",
    );
    for tp in &t.topics {
        let colour = PALETTE[tp.id % PALETTE.len()];
        let items: Vec<(String, f64, String)> = tp
            .top_terms
            .iter()
            .map(|w| (w.word.clone(), w.weight, fmt_num(w.weight)))
            .collect();
        let _ = write!(
            s,
            "<div class=\"card topic\" id=\"topic-{id}\"><h3><span class=\"swatch\" style=\"background:{colour}\"></span>\
             الموضوع <span class=\"ltr\">{id}</span>: {name}</h3>\
             <p class=\"size\">الحجم: <span class=\"ltr\">{size}</span> مقالة <small>(documents)</small></p>{chart}\
             <ol class=\"examples\">",
            id = tp.id,
            name = escape(&tp.label()),
            size = tp.size,
            chart = bar_chart(&format!("topic-{}-words", tp.id), &items, colour),
        );
        for e in tp.examples.iter().take(3) {
            let _ = write!(
                s,
                "<li dir=\"{}\">{}</li>",
                dir_of(e),
                escape(&truncate(e, 160))
            );
        }
        s += "</ol></div>";
    }
    s += "</div></section>";
    s
}

/// Linear scale from [lo, hi] (padded by 6 %) onto [a, b].
fn scale(lo: f64, hi: f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
    let (mut lo, mut hi) = (lo, hi);
    if !(hi - lo).is_finite() || hi - lo < 1e-12 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.06;
    let (lo, hi) = (lo - pad, hi + pad);
    move |v| a + (v - lo) / (hi - lo) * (b - a)
}

fn axes(w: f64, h: f64, m: f64) -> String {
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

fn intertopic_section(t: &TopicModel) -> String {
    let (w, h, m) = (600.0, 460.0, 36.0);
    let c = &t.centroids;
    let ys = |i: usize| if c.ncols() > 1 { c[[i, 1]] } else { 0.0 };
    let n = t.topics.len();
    let (xmin, xmax) = (0..n).fold((f64::MAX, f64::MIN), |a, i| {
        (a.0.min(c[[i, 0]]), a.1.max(c[[i, 0]]))
    });
    let (ymin, ymax) = (0..n).fold((f64::MAX, f64::MIN), |a, i| {
        (a.0.min(ys(i)), a.1.max(ys(i)))
    });
    let rmax = 50.0;
    let sx = scale(xmin, xmax, m + rmax, w - m - rmax);
    let sy = scale(ymin, ymax, h - m - rmax, m + rmax);
    let max_size = t.topics.iter().map(|tp| tp.size).max().unwrap_or(1).max(1) as f64;
    let mut s = format!(
        "<section id=\"intertopic\"><h2>خريطة المواضيع <small>(intertopic map: centroids, SVD 1–2, bubble area ∝ size)</small></h2>\
         <div class=\"card\"><svg id=\"topic-map\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">{}",
        axes(w, h, m)
    );
    // Largest first so small bubbles stay visible on top.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(t.topics[i].size));
    for i in order {
        let tp = &t.topics[i];
        let r = rmax * (tp.size as f64 / max_size).sqrt();
        let (x, y) = (sx(c[[i, 0]]), sy(ys(i)));
        let _ = write!(
            s,
            "<g class=\"topic-bubble\"><title>{name} ({size})</title>\
             <circle class=\"bubble\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"{col}\" fill-opacity=\"0.55\" stroke=\"{col}\"/>\
             <text x=\"{x:.1}\" y=\"{ly:.1}\" direction=\"rtl\" text-anchor=\"middle\" font-weight=\"bold\">{id}: {name}</text></g>",
            name = escape(&tp.label()),
            size = tp.size,
            col = PALETTE[i % PALETTE.len()],
            ly = y + 4.0,
            id = tp.id,
        );
    }
    s += "</svg></div></section>";
    s
}

/// Each topic's articles per period, one line per topic, time running left to right.
fn over_time_section(t: &TopicModel, tl: &Timeline) -> String {
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
fn left_out(undated: u64, stray: u64) -> String {
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

fn document_map_section(
    t: &TopicModel,
    points: &[MapPoint],
    corpus_docs: usize,
    max_docs: usize,
) -> String {
    let (w, h, m) = (600.0, 460.0, 36.0);
    let mut s = format!(
        "<section id=\"documents\"><h2>خريطة المقالات <small>(documents, SVD 1–2, by topic: <span class=\"ltr\">{} of {}</span>)</small></h2><div class=\"card\">",
        points.len(),
        corpus_docs
    );
    if points.is_empty() {
        s += if max_docs == 0 {
            "<p>لم تُرسم أي مقالة <small>(none drawn: <span class=\"ltr\">--max-docs 0</span>)</small>.</p></div></section>"
        } else {
            "<p>لا توجد مقالات بكلمات معروفة للنموذج <small>(no document has a word the model knows)</small>.</p></div></section>"
        };
        return s;
    }
    let (xmin, xmax) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.x), a.1.max(p.x)));
    let (ymin, ymax) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.y), a.1.max(p.y)));
    let sx = scale(xmin, xmax, m, w - m);
    let sy = scale(ymin, ymax, h - m, m);
    let _ = write!(
        s,
        "<svg id=\"doc-map\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">{}",
        axes(w, h, m)
    );
    for p in points {
        let _ = write!(
            s,
            "<circle class=\"doc\" data-topic=\"{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\" fill-opacity=\"0.7\"><title>{}</title></circle>",
            p.topic,
            sx(p.x),
            sy(p.y),
            PALETTE[p.topic % PALETTE.len()],
            escape(&p.title)
        );
    }
    s += "</svg><ul class=\"legend\" id=\"doc-map-legend\">";
    for tp in &t.topics {
        let count = points.iter().filter(|p| p.topic == tp.id).count();
        let _ = write!(
            s,
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}: {} <small class=\"ltr\">({count})</small></li>",
            PALETTE[tp.id % PALETTE.len()],
            tp.id,
            escape(&tp.label())
        );
    }
    s += "</ul></div></section>";
    s
}

/// The corpus against the topics: the label × topic counts of every labelled document (not
/// only those sampled for the map) and the agreement scores, as `tasnif eval` gives them.
fn topic_evaluation_section(t: &TopicModel, e: &Evaluation) -> String {
    let Scores::Topics {
        agreement: Some(a), ..
    } = &e.scores
    else {
        return String::new();
    };
    // labels in name order
    let mut order: Vec<usize> = (0..a.labels.len()).collect();
    order.sort_by(|&x, &y| a.labels[x].cmp(&a.labels[y]));
    let labels: Vec<String> = order.iter().map(|&l| a.labels[l].clone()).collect();
    let mut counts = vec![vec![0usize; t.topics.len()]; labels.len()];
    for (topic, holding) in a.topics.iter().enumerate() {
        for &(l, n) in &holding.held {
            let r = order.iter().position(|&o| o == l).expect("a label");
            counts[r][topic] = n as usize;
        }
    }
    let cols: Vec<String> = (t.topics.iter())
        .map(|tp| format!("{}: {}", tp.id, tp.label()))
        .collect();
    format!(
        "<section id=\"topic-labels\" data-nmi=\"{nmi}\" data-ari=\"{ari}\" data-purity=\"{purity}\" data-mapped-accuracy=\"{mapped}\">\
         <h2>المواضيع مقابل التصنيفات <small>(corpus labels × topics, all labelled documents: NMI <span class=\"ltr\">{nmi:.3}</span>, ARI <span class=\"ltr\">{ari:.3}</span>, purity <span class=\"ltr\">{purity:.3}</span>)</small></h2>\
         <div class=\"card fit\">{}</div></section>",
        heatmap(
            "topic-label-matrix",
            &labels,
            &cols,
            &counts,
            "التصنيف",
            "الموضوع"
        ),
        nmi = a.nmi,
        ari = a.ari,
        purity = a.purity,
        mapped = a.mapped_accuracy,
    )
}

/// Rows on the right, columns running right to left; shade ∝ the row share of each cell.
fn heatmap(
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

fn evaluation_section(r: &ClassificationReport) -> String {
    let labels = &r.confusion.labels;
    let mut s = format!(
        "<section id=\"evaluation\" data-accuracy=\"{acc}\" data-macro-f1=\"{f1}\"><h2>التقييم على المدوّنة <small>(evaluation: accuracy <span class=\"ltr\">{acc:.3}</span>, macro F1 <span class=\"ltr\">{f1:.3}</span>)</small></h2>\
         <h3>مصفوفة الالتباس <small>(confusion matrix: rows true, columns predicted)</small></h3><div class=\"card fit\">{}</div>\
         <h3>الدقة والاستدعاء <small>(precision, recall, F1 per label)</small></h3>\
         <table id=\"metrics\"><thead><tr><th>التصنيف <small>(label)</small></th><th class=\"num\">precision</th><th class=\"num\">recall</th><th class=\"num\">F1</th><th class=\"num\">support</th></tr></thead><tbody>",
        heatmap(
            "confusion",
            labels,
            labels,
            &r.confusion.counts,
            "الحقيقي",
            "المتوقع"
        ),
        acc = r.accuracy,
        f1 = r.macro_f1(),
    );
    let row = |m: &LabelMetrics, class: &str| {
        format!(
            "<tr class=\"{class}\"><td><bdi>{}</bdi></td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td></tr>",
            escape(&m.label),
            m.precision,
            m.recall,
            m.f1,
            m.support
        )
    };
    for m in &r.per_label {
        s += &row(m, "label-row");
    }
    s += &row(&r.macro_avg, "avg-row");
    s += &row(&r.weighted_avg, "avg-row");
    s += "</tbody></table></section>";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn samples_evenly_and_deterministically() {
        assert_eq!(sample_indices(3, 5), vec![0, 1, 2]);
        let s = sample_indices(10_000, 2000);
        assert_eq!(s.len(), 2000);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s[1], 5);
        assert_eq!(*s.last().unwrap(), 9995);
        assert_eq!(s, sample_indices(10_000, 2000));
    }

    #[test]
    fn heatmap_has_one_cell_per_count() {
        let l = vec!["a".to_string(), "ب".to_string()];
        let svg = heatmap("m", &l, &l, &[vec![3, 1], vec![0, 4]], "t", "p");
        assert_eq!(svg.matches("class=\"cell\"").count(), 4);
        assert!(svg.contains(">3</text>") && svg.contains(">4</text>"));
    }

    /// Regression (issue 20): the label × topic heat map cut topic names to their first word,
    /// and the confusion matrix's "middleEast" and "internatio…" ran into each other. Names are
    /// whole (a topic's parts on lines of their own) and columns as wide as their widest line.
    #[test]
    fn heatmap_column_names_are_whole_and_do_not_collide() {
        let labels: Vec<String> = ["culture", "internationalNews", "middleEast"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let svg = heatmap("c", &labels, &labels, &vec![vec![1; 3]; 3], "t", "p");
        assert!(svg.contains(">internationalNews</tspan>") && !svg.contains('…'));
        let xs: Vec<f64> = svg
            .match_indices("class=\"col-label\" x=\"")
            .map(|(i, m)| {
                let at = i + m.len();
                svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
            })
            .collect();
        let gap = (xs[0] - xs[1]).abs();
        assert!(gap >= text_width("internationalNews", 11.0), "{gap}");
        let topics = vec!["0: طالبان · حركة · الأفغانية".to_string()];
        let svg = heatmap("t", &labels, &topics, &vec![vec![1]; 3], "t", "p");
        for part in ["0: طالبان", "حركة", "الأفغانية"] {
            assert!(svg.contains(&format!(">{part}</tspan>")), "{part}: {svg}");
        }
    }

    fn data() -> Corpus {
        crate::corpus::read_input(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
            &Default::default(),
        )
        .expect("bundled corpus")
    }

    fn opts(max: usize) -> ReportOptions {
        ReportOptions {
            model_path: "m<1>.tasnif".into(),
            corpus_path: Some("data".into()),
            max_map_docs: max,
            generated_on: "2025-01-01".into(),
        }
    }

    #[test]
    fn topic_report_escapes_text_and_samples_the_map() {
        let c = data();
        let mut model = crate::TopicParams::new()
            .k(4)
            .check()
            .unwrap()
            .fit(&c)
            .unwrap()
            .model;
        let ModelKind::Topics(t) = &mut model.kind else {
            unreachable!()
        };
        t.topics[0].name = "<script>alert(\"x\")</script> & 'q'".into();
        t.topics[1].examples[0] = "<img src=x onerror=alert(1)>".into();
        let classifier = Classifier::new(model).unwrap();
        let html = render(&classifier, Some(&c), &opts(50));
        assert!(!html.contains("<script"), "unescaped topic name");
        assert!(!html.contains("<img"), "unescaped example");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;")
        );
        assert!(html.contains("m&lt;1&gt;.tasnif"));
        assert!(html.starts_with("<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">"));
        // 50 of the 111 documents are drawn, each once.
        assert_eq!(html.matches("<circle class=\"doc\"").count(), 50);
        for id in [
            "topic-0-words",
            "topic-3-words",
            "topic-map",
            "doc-map",
            "topic-label-matrix",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
        }
        assert_eq!(html.matches("class=\"bubble\"").count(), 4);
        // The label × topic heat map counts every labelled document, not only the 50 drawn.
        let start = html.find("id=\"topic-label-matrix\"").unwrap();
        let matrix = &html[start..start + html[start..].find("</svg>").unwrap()];
        let cells: Vec<usize> = matrix
            .split("</text></g>")
            .filter_map(|part| part.rsplit('>').next()?.parse().ok())
            .collect();
        assert_eq!(cells.len(), 5 * 4, "5 labels × 4 topics");
        assert_eq!(cells.iter().sum::<usize>(), c.docs.len());
        // --max-docs 0 draws no document and says so, and keeps the heat map.
        let none = render(&classifier, Some(&c), &opts(0));
        assert!(none.contains("--max-docs 0") && none.contains("id=\"topic-label-matrix\""));
        // Without a corpus: no document map, still the topics and the intertopic map.
        let bare = render(&classifier, None, &opts(50));
        assert!(!bare.contains("id=\"doc-map\"") && bare.contains("id=\"topic-map\""));
    }

    #[test]
    fn supervised_report_has_confusion_matrix_and_metrics() {
        let c = data();
        let model = crate::SupervisedParams::new()
            .check()
            .unwrap()
            .fit(&c)
            .unwrap()
            .model;
        let classifier = Classifier::new(model).unwrap();
        let Ok(crate::metrics::evaluation::Scores::Supervised { report: r, .. }) =
            crate::evaluate(&classifier, &c).map(|e| e.scores)
        else {
            panic!("a supervised evaluation")
        };
        let total: usize = r.confusion.counts.iter().flatten().sum();
        assert_eq!(total, c.docs.len());
        let html = render(&classifier, Some(&c), &opts(2000));
        let k = r.confusion.labels.len();
        assert_eq!(html.matches("<rect class=\"cell\"").count(), k * k);
        assert_eq!(html.matches("class=\"label-row\"").count(), k);
        assert!(html.contains(&format!("{:.3}", r.per_label[0].f1)));
    }
}
