"""The README's notebook example runs as written, from the repository root."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_notebook_example_in_the_readme_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(import hamscore\n.*?)```", readme, re.DOTALL)
    assert block is not None, "the README lost its notebook example"
    script = tmp_path / "example.py"
    script.write_text(block.group(1), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Rating red; total 1.1 of 100")
    assert "Peringkat: merah" in result.stdout
