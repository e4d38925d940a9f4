//! Classification metrics in scikit-learn's conventions: per-label precision, recall, F1 and
//! support, accuracy, macro and support-weighted averages, and a confusion matrix.
//!
//! Matches `sklearn.metrics.classification_report(..., labels=range(k), zero_division=0)`:
//! every label in `0..n_labels` gets a row even when it has no support or no prediction, and a
//! ratio with a zero denominator is 0.

use serde::{Deserialize, Serialize};

/// Errors from building a report.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ClassificationMetricsError {
    #[error("{truth} true labels but {pred} predictions")]
    LengthMismatch { truth: usize, pred: usize },
    #[error("label {label} out of range for {n_labels} label names")]
    LabelOutOfRange { label: usize, n_labels: usize },
    #[error("no labelled documents to evaluate on")]
    Empty,
}

/// Counts `[true][predicted]`, as `sklearn.metrics.confusion_matrix`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    pub labels: Vec<String>,
    /// `counts[t][p]`: samples of true label `t` predicted as `p`.
    pub counts: Vec<Vec<usize>>,
}

impl ConfusionMatrix {
    /// Plain-text table: rows are true labels, columns predicted labels (in label order).
    pub fn to_text(&self) -> String {
        let heads: Vec<String> = (self.labels.iter().enumerate())
            .map(|(i, l)| format!("[{i}] {l}"))
            .collect();
        let name_w = heads
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .max("true\\pred".len());
        let col_w = self
            .counts
            .iter()
            .flatten()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(1)
            .max(4);
        let mut s = format!("{:>name_w$}", "true\\pred");
        for (i, _) in self.labels.iter().enumerate() {
            s += &format!(" {:>col_w$}", format!("[{i}]"));
        }
        s.push('\n');
        for (h, row) in heads.iter().zip(&self.counts) {
            s += &format!("{h:>name_w$}");
            for c in row {
                s += &format!(" {c:>col_w$}");
            }
            s.push('\n');
        }
        s
    }
}

/// Precision, recall, F1 and support of one label (or one average).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelMetrics {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// scikit-learn-style classification report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassificationReport {
    pub per_label: Vec<LabelMetrics>,
    pub accuracy: f64,
    pub macro_avg: LabelMetrics,
    pub weighted_avg: LabelMetrics,
    pub confusion: ConfusionMatrix,
}

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

impl ClassificationReport {
    /// Builds the report for labels `0..label_names.len()`.
    pub fn new(
        y_true: &[usize],
        y_pred: &[usize],
        label_names: &[String],
    ) -> Result<Self, ClassificationMetricsError> {
        if y_true.len() != y_pred.len() {
            return Err(ClassificationMetricsError::LengthMismatch {
                truth: y_true.len(),
                pred: y_pred.len(),
            });
        }
        if y_true.is_empty() {
            return Err(ClassificationMetricsError::Empty);
        }
        let k = label_names.len();
        if let Some(&label) = y_true.iter().chain(y_pred).find(|&&l| l >= k) {
            return Err(ClassificationMetricsError::LabelOutOfRange { label, n_labels: k });
        }
        let mut counts = vec![vec![0usize; k]; k];
        for (&t, &p) in y_true.iter().zip(y_pred) {
            counts[t][p] += 1;
        }
        let n = y_true.len();
        let mut per_label = Vec::with_capacity(k);
        for (c, name) in label_names.iter().enumerate() {
            let tp = counts[c][c] as f64;
            let support: usize = counts[c].iter().sum();
            let predicted: usize = counts.iter().map(|row| row[c]).sum();
            let precision = ratio(tp, predicted as f64);
            let recall = ratio(tp, support as f64);
            let f1 = ratio(2.0 * precision * recall, precision + recall);
            per_label.push(LabelMetrics {
                label: name.clone(),
                precision,
                recall,
                f1,
                support,
            });
        }
        let correct: usize = (0..k).map(|c| counts[c][c]).sum();
        let mean =
            |f: fn(&LabelMetrics) -> f64| per_label.iter().map(f).sum::<f64>() / k.max(1) as f64;
        let wmean = |f: fn(&LabelMetrics) -> f64| {
            ratio(
                per_label.iter().map(|m| f(m) * m.support as f64).sum(),
                n as f64,
            )
        };
        let macro_avg = LabelMetrics {
            label: "macro avg".into(),
            precision: mean(|m| m.precision),
            recall: mean(|m| m.recall),
            f1: mean(|m| m.f1),
            support: n,
        };
        let weighted_avg = LabelMetrics {
            label: "weighted avg".into(),
            precision: wmean(|m| m.precision),
            recall: wmean(|m| m.recall),
            f1: wmean(|m| m.f1),
            support: n,
        };
        Ok(ClassificationReport {
            per_label,
            accuracy: correct as f64 / n as f64,
            macro_avg,
            weighted_avg,
            confusion: ConfusionMatrix {
                labels: label_names.to_vec(),
                counts,
            },
        })
    }

    /// Macro-averaged F1 (the unweighted mean over labels).
    pub fn macro_f1(&self) -> f64 {
        self.macro_avg.f1
    }

    /// The table `sklearn.metrics.classification_report` prints, with `digits` decimals,
    /// byte-for-byte (widths count characters, so Arabic label names align as in Python).
    pub fn to_text(&self, digits: usize) -> String {
        let name_w = self
            .per_label
            .iter()
            .map(|m| m.label.chars().count())
            .max()
            .unwrap_or(0)
            .max("weighted avg".len())
            .max(digits);
        let mut s = format!(
            "{:>name_w$}  {:>9} {:>9} {:>9} {:>9}\n\n",
            "", "precision", "recall", "f1-score", "support"
        );
        let row = |m: &LabelMetrics| {
            format!(
                "{:>name_w$}  {:>9.digits$} {:>9.digits$} {:>9.digits$} {:>9}\n",
                m.label, m.precision, m.recall, m.f1, m.support
            )
        };
        for m in &self.per_label {
            s += &row(m);
        }
        s.push('\n');
        s += &format!(
            "{:>name_w$}  {:>9} {:>9} {:>9.digits$} {:>9}\n",
            "accuracy", "", "", self.accuracy, self.macro_avg.support
        );
        s += &row(&self.macro_avg);
        s += &row(&self.weighted_avg);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Reference values produced with scikit-learn 1.5.2 (benches/compare/.venv):
    /// `classification_report([0,0,0,1,1,2,2,2,2,3], [0,1,0,1,0,2,2,0,1,1], labels=[0,1,2,3],
    /// target_names=[...], zero_division=0)` (with `output_dict=True` for the numbers) and
    /// `confusion_matrix(..., labels=[0,1,2,3])`. Label 3 is never predicted (precision 0/0 → 0).
    #[test]
    fn matches_scikit_learn_report() {
        let y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3];
        let y_pred = [0, 1, 0, 1, 0, 2, 2, 0, 1, 1];
        let r = ClassificationReport::new(
            &y_true,
            &y_pred,
            &names(&["economy", "sport", "middleEast", "culture"]),
        )
        .unwrap();
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        let want = [
            (0.5, 0.6666666666666666, 0.5714285714285714, 3),
            (0.25, 0.5, 0.3333333333333333, 2),
            (1.0, 0.5, 0.6666666666666666, 4),
            (0.0, 0.0, 0.0, 1),
        ];
        for (m, w) in r.per_label.iter().zip(want) {
            close(m.precision, w.0);
            close(m.recall, w.1);
            close(m.f1, w.2);
            assert_eq!(m.support, w.3);
        }
        close(r.accuracy, 0.5);
        close(r.macro_avg.precision, 0.4375);
        close(r.macro_avg.recall, 0.41666666666666663);
        close(r.macro_avg.f1, 0.3928571428571428);
        close(r.weighted_avg.precision, 0.6);
        close(r.weighted_avg.recall, 0.5);
        close(r.weighted_avg.f1, 0.5047619047619047);
        assert_eq!(
            r.confusion.counts,
            vec![
                vec![2, 1, 0, 0],
                vec![1, 1, 0, 0],
                vec![1, 1, 2, 0],
                vec![0, 1, 0, 0]
            ]
        );
        // repr() of scikit-learn's text output
        let sk = "              precision    recall  f1-score   support\n\n     economy       0.50      0.67      0.57         3\n       sport       0.25      0.50      0.33         2\n  middleEast       1.00      0.50      0.67         4\n     culture       0.00      0.00      0.00         1\n\n    accuracy                           0.50        10\n   macro avg       0.44      0.42      0.39        10\nweighted avg       0.60      0.50      0.50        10\n";
        assert_eq!(r.to_text(2), sk);
    }

    /// scikit-learn 1.5.2: `classification_report([0,0,1], [0,2,1], labels=[0,1,2],
    /// target_names=["a","b","c"], zero_division=0, digits=3)`: label "c" has no support but
    /// one prediction; it still counts in the macro average.
    #[test]
    fn zero_support_label_counts_in_macro_average() {
        let r =
            ClassificationReport::new(&[0, 0, 1], &[0, 2, 1], &names(&["a", "b", "c"])).unwrap();
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        close(r.macro_avg.precision, 0.6666666666666666);
        close(r.macro_avg.recall, 0.5);
        close(r.macro_f1(), 0.5555555555555555);
        close(r.weighted_avg.precision, 1.0);
        close(r.weighted_avg.f1, 0.7777777777777777);
        close(r.accuracy, 0.6666666666666666);
        let sk = "              precision    recall  f1-score   support\n\n           a      1.000     0.500     0.667         2\n           b      1.000     1.000     1.000         1\n           c      0.000     0.000     0.000         0\n\n    accuracy                          0.667         3\n   macro avg      0.667     0.500     0.556         3\nweighted avg      1.000     0.667     0.778         3\n";
        assert_eq!(r.to_text(3), sk);
    }

    #[test]
    fn errors_and_serde() {
        let n = names(&["a", "b"]);
        assert_eq!(
            ClassificationReport::new(&[0], &[0, 1], &n).unwrap_err(),
            ClassificationMetricsError::LengthMismatch { truth: 1, pred: 2 }
        );
        assert_eq!(
            ClassificationReport::new(&[0, 2], &[0, 1], &n).unwrap_err(),
            ClassificationMetricsError::LabelOutOfRange {
                label: 2,
                n_labels: 2
            }
        );
        assert_eq!(
            ClassificationReport::new(&[], &[], &n).unwrap_err(),
            ClassificationMetricsError::Empty
        );
        let r = ClassificationReport::new(&[0, 1, 1], &[0, 1, 0], &n).unwrap();
        let back: ClassificationReport =
            serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(r, back);
        let cm = ClassificationReport::new(&[0, 1, 1], &[0, 1, 0], &names(&["a", "longer name"]))
            .unwrap()
            .confusion
            .to_text();
        assert!(cm.contains("[1] longer name    1    1"), "{cm}");
        let widths: Vec<usize> = cm.lines().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{cm}");
    }

    #[test]
    fn arabic_names_align_by_characters() {
        let n = names(&["رياضة", "اقتصاد"]);
        let r = ClassificationReport::new(&[0, 1], &[0, 1], &n).unwrap();
        let t = r.to_text(2);
        let lines: Vec<&str> = t.lines().filter(|l| !l.is_empty()).collect();
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{t}");
    }
}
