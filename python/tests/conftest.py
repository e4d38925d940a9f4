"""Shared paths and the `tasnif` command the Python results are compared with."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
MODEL = ROOT / "models" / "topics.tasnif"
ANT = ROOT.parent / "shared" / "corpora" / "ant-multisource" / "ant-multisource.jsonl"


def cli_path():
    for build in ("release", "debug"):
        exe = ROOT / "target" / build / "tasnif"
        if exe.exists():
            return exe
    pytest.skip("the tasnif command is not built (cargo build --release)")


def cli(*args, env=None):
    """Runs `tasnif ARGS` in the checkout; its standard output."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([str(cli_path()), *map(str, args)], cwd=ROOT, capture_output=True,
                       text=True, env=e)
    assert p.returncode in (0, 3), p.stderr
    return p.stdout


def cli_json_lines(*args):
    return [json.loads(l) for l in cli(*args).splitlines()]


def data_files():
    """data/'s articles as the command names them (data/LABEL/FILE), with label and text."""
    out = []
    for p in sorted(DATA.glob("*/*.txt")):
        out.append((f"data/{p.parent.name}/{p.name}", p.parent.name, p.read_text(encoding="utf-8")))
    return out
