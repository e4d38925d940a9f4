//! The topic model's sections: each topic's words, the intertopic map, the document map and
//! the agreement of topics with labels.

use crate::classify::Row;
use crate::corpus::Corpus;
use crate::metrics::evaluation::{Evaluation, Scores};
use crate::topics::TopicModel;

use crate::linalg::CsrMatrix;
use std::fmt::Write;

use super::draw::*;

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

pub(super) fn topics_section(t: &TopicModel) -> String {
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

pub(super) fn intertopic_section(t: &TopicModel) -> String {
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

pub(super) fn document_map_section(
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
            "<p>لم تُرسم أي مقالة <small>(none drawn: the map was given at most <span class=\"ltr\">0</span> documents)</small>.</p></div></section>"
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
pub(super) fn topic_evaluation_section(t: &TopicModel, e: &Evaluation) -> String {
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
