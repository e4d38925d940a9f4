#!/usr/bin/env bash
# Creates python/.venv (once), installs the test requirements, then the package from this
# checkout with one `pip install ./python` (maturin builds the Rust extension); prints its python.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha"
want="$(sha256sum "$here/requirements-test.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements-test.txt" >&2
  echo "$want" > "$stamp"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$here" >&2
echo "$venv/bin/python"
