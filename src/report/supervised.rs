//! The supervised model's evaluation: per-label precision, recall and F1 beside the confusion
//! matrix.

use crate::metrics::classification::{ClassificationReport, LabelMetrics};

use super::draw::*;

pub(super) fn evaluation_section(r: &ClassificationReport) -> String {
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
