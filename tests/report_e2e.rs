//! End to end: `tasnif report` on the bundled corpus, opened in headless Chromium.
//!
//! Needs Debian's `chromium` (and an Arabic font, `fonts-noto-core`), which `.ci/run` installs:
//! it runs with `cargo test --features external-tests` and is listed as ignored otherwise; it
//! never installs anything itself. Set `TASNIF_REPORT_SCREENSHOT=docs/report.png` to keep the
//! screenshot.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_tasnif");

fn chromium() -> PathBuf {
    let found = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    match found {
        Some(c) => PathBuf::from(c),
        None => panic!(
            "Chromium is needed for this test: install Debian's `chromium` and `fonts-noto-core` \
             packages (`.ci/run` does) and rerun"
        ),
    }
}

fn tasnif(args: &[&str]) {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "tasnif {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs Chromium headless on a local file; returns (stdout, stderr).
fn headless(chrome: &Path, profile: &Path, extra: &[&str], html: &Path) -> (String, String) {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The page ran no script and logged no console error.
fn assert_clean(dom: &str, log: &str) {
    assert!(
        !dom.contains("<script"),
        "the report must not contain scripts"
    );
    for line in log.lines() {
        assert!(
            !line.contains("CONSOLE") && !line.contains("Uncaught"),
            "page error: {line}"
        );
    }
}

/// The `<svg id="...">…</svg>` element of the dumped DOM.
fn svg<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("chart {id} missing from the rendered page"));
    let end = dom[start..].find("</svg>").expect("closed svg") + start;
    &dom[start..end]
}

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs Chromium (.ci/run installs it): cargo test --features external-tests"
)]
fn report_renders_in_headless_chromium() {
    let chrome = chromium();
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    let (topics, sup) = (p("topics.tasnif"), p("sup.tasnif"));
    tasnif(&["train", "data", "--k", "4", "--quiet", "--out", &s(&topics)]);
    tasnif(&[
        "train",
        "data",
        "--supervised",
        "--quiet",
        "--out",
        &s(&sup),
    ]);
    let (html_t, html_s) = (p("topics.html"), p("sup.html"));
    tasnif(&["report", &s(&topics), "data", "--out", &s(&html_t)]);
    tasnif(&["report", &s(&sup), "data", "--out", &s(&html_s)]);

    // Self-contained: nothing fetched.
    for f in [&html_t, &html_s] {
        let h = std::fs::read_to_string(f).unwrap();
        for bad in ["<script", "<link", " src=", "url(", "@import", "@font-face"] {
            assert!(!h.contains(bad), "{}: contains {bad}", f.display());
        }
    }

    // Topic model report.
    let (dom, log) = headless(&chrome, &p("profile1"), &["--dump-dom"], &html_t);
    assert_clean(&dom, &log);
    assert!(dom.contains("<html dir=\"rtl\" lang=\"ar\">"));
    for i in 0..4 {
        let chart = svg(&dom, &format!("topic-{i}-words"));
        assert_eq!(
            chart.matches("<rect class=\"bar\"").count(),
            10,
            "topic {i} bars"
        );
    }
    assert_eq!(
        svg(&dom, "topic-map").matches("class=\"bubble\"").count(),
        4
    );
    // All 111 bundled articles are on the map, and the legend names the 4 topics.
    assert_eq!(
        svg(&dom, "doc-map")
            .matches("<circle class=\"doc\"")
            .count(),
        111
    );
    let legend = dom.find("id=\"doc-map-legend\"").expect("legend");
    assert_eq!(
        dom[legend..]
            .split("</ul>")
            .next()
            .unwrap()
            .matches("<li>")
            .count(),
        4
    );
    // 5 labels × 4 topics.
    assert_eq!(
        svg(&dom, "topic-label-matrix")
            .matches("<rect class=\"cell\"")
            .count(),
        20
    );
    assert!(dom.contains("id=\"facts-table\""));

    // Supervised report: 5 × 5 confusion matrix and one metrics row per label.
    let (dom_s, log_s) = headless(&chrome, &p("profile2"), &["--dump-dom"], &html_s);
    assert_clean(&dom_s, &log_s);
    assert_eq!(
        svg(&dom_s, "confusion")
            .matches("<rect class=\"cell\"")
            .count(),
        25
    );
    assert_eq!(dom_s.matches("class=\"label-row\"").count(), 5);
    assert_eq!(
        svg(&dom_s, "label-support")
            .matches("<rect class=\"bar\"")
            .count(),
        5
    );

    // Screenshot.
    let png = p("report.png");
    let (_, log) = headless(
        &chrome,
        &p("profile3"),
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2400",
        ],
        &html_t,
    );
    assert_clean("", &log);
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 50_000,
        "screenshot looks empty"
    );
    if let Ok(keep) = std::env::var("TASNIF_REPORT_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}
