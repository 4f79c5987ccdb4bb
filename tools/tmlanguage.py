"""Write the VS Code extension's TextMate grammar from the Lark grammar's words (gaidsl.language.vocabulary).

    .venv/bin/python tools/tmlanguage.py           # rewrite editors/vscode/syntaxes/gaidsl.tmLanguage.json
    .venv/bin/python tools/tmlanguage.py --check   # exit 1 when the file is not what the grammar gives

Run it after changing grammars/gaidsl.lark; tests/test_editor_grammar.py fails until then.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gaidsl.language.vocabulary import textmate_grammar  # noqa: E402

TARGET = ROOT / "editors" / "vscode" / "syntaxes" / "gaidsl.tmLanguage.json"


def rendered() -> str:
    return json.dumps(textmate_grammar(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = rendered()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run tools/tmlanguage.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
