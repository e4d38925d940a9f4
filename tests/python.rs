//! The Python package's tests (pytest in python/.venv, PySpark in local[2]): they need the
//! package built and installed (`bash python/setup.sh`, which `.ci/run` runs), so they run with
//! `cargo test --features external-tests` and are listed as ignored otherwise.

use std::path::Path;

#[test]
#[cfg_attr(
    not(feature = "external-tests"),
    ignore = "needs the Python package installed by python/setup.sh (.ci/run): cargo test --features external-tests"
)]
fn the_python_package_passes_its_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("python/.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash python/setup.sh` first",
        python.display()
    );
    let status = std::process::Command::new(&python)
        .args(["-m", "pytest", "-q", "python/tests"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success(), "pytest failed (see its output above)");
}
