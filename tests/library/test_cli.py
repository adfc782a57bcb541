"""The command line, as Dewi the task-force analyst uses it: check, score, schema, exit statuses."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hamscore.cli import main

DEFINITION = """
id = "mini"
version = "1"
title = { id = "Mini", en = "Mini" }
languages = ["id", "en"]
[rating]
bands = [{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]
[[indicators]]
id = "kebijakan"
title = { id = "Kebijakan", en = "Policy" }
[[indicators.questions]]
id = "kebijakan_ham"
type = "single"
text = { id = "Punya kebijakan HAM?", en = "Human-rights policy?" }
options = [
  { id = "ada", label = { id = "Ada", en = "Yes" }, points = 2 },
  { id = "tidak", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Susun kebijakan HAM.", en = "Write a human-rights policy." } },
]
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    definition = tmp_path / "mini.toml"
    definition.write_text(DEFINITION, encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"answers": {"kebijakan_ham": "tidak"}}), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"answers": {"kebijakan_ham": "mungkin", "lain": 1}}), encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFINITION.replace('id = "ada"', 'id = "na"'), encoding="utf-8")
    return {"definition": definition, "good": good, "bad": bad, "broken": broken}


def test_check_reports_a_clean_file_as_ok(files):
    status, out, _ = run("check", str(files["definition"]))
    assert status == 0
    assert "ok — mini 1, 1 indicators, 1 questions" in out


def test_check_prints_file_location_code_and_hint_and_exits_1(files):
    status, out, _ = run("check", str(files["definition"]), str(files["broken"]))
    assert status == 1
    line = next(line for line in out.splitlines() if "RESERVED_OPTION_ID" in line)
    assert line.startswith(f"{files['broken']}: indicators[0].questions[0].options[0].id: RESERVED_OPTION_ID")
    assert "allow_na = true" in line


def test_score_prints_the_assessment_json_by_default(files):
    status, out, _ = run("score", str(files["definition"]), str(files["good"]))
    assert status == 0
    result = json.loads(out)
    assert list(result) == ["questionnaire", "version", "digest", "mode", "total", "rating", "completeness",
                            "indicators", "caps", "gaps"]
    assert result["rating"] == "red"
    assert result["gaps"][0]["advice"] == ["Susun kebijakan HAM."]


def test_score_speaks_english_on_request_in_text_format(files):
    status, out, _ = run("score", str(files["definition"]), str(files["good"]), "--lang", "en", "--format", "text")
    assert status == 0
    assert out.startswith("Rating: red (total 0.0 of 100; completeness 100%).")
    assert "  Policy: 0.0 (0 of 2 points)" in out
    assert "→ Write a human-rights policy." in out


def test_score_text_speaks_indonesian_by_default(files):
    status, out, _ = run("score", str(files["definition"]), str(files["good"]), "--format", "text")
    assert status == 0
    assert out.startswith("Peringkat: merah (total 0.0 dari 100; kelengkapan 100%).")
    assert "Batas: hijau mulai 80, kuning mulai 50, merah mulai 0." in out
    assert "  Kebijakan: 0.0 (0 dari 2 poin)" in out


def test_score_lists_every_problem_of_bad_answers_and_exits_1(files):
    status, out, err = run("score", str(files["definition"]), str(files["bad"]))
    assert status == 1
    assert out == ""
    assert "answers.kebijakan_ham: UNKNOWN_OPTION" in err
    assert "answers.lain: UNKNOWN_QUESTION" in err


def test_score_refuses_a_language_the_questionnaire_lacks(files):
    status, _, err = run("score", str(files["definition"]), str(files["good"]), "--lang", "fr")
    assert status == 2
    assert "--lang must be one of id, en" in err


def test_score_says_where_a_missing_answers_file_was_looked_for(files, tmp_path):
    status, _, err = run("score", str(files["definition"]), str(tmp_path / "missing.json"))
    assert status == 1
    assert "missing.json: cannot read the file" in err


def test_schema_describes_both_formats():
    status, out, _ = run("schema")
    assert status == 0
    schemas = json.loads(out)
    assert set(schemas) == {"definition", "answers"}
    assert "Definition" in schemas["definition"]["$defs"]
    assert "Submission" in schemas["answers"]["$defs"]


def test_usage_errors_exit_2():
    result = subprocess.run([sys.executable, "-m", "hamscore", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
