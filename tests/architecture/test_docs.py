"""docs/architecture.md is where a newcomer starts: every file it names exists, and
every `module: name` it points to is defined there, so the map cannot go stale
unnoticed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
# Paths in the doc are from the repository root, from a package's folder
# (`sending/outbox.py` means newsletter/sending/outbox.py) or a room's file.
BASES = ("", "newsletter/", "surveys/", "core/", "landscape/")
BASES += tuple(f"newsletter/{room}/" for room in ("audience", "campaigns", "sending"))
BASES += tuple(
    f"surveys/{room}/" for room in ("answering", "builder", "reminders", "analysis")
)
PATH = re.compile(r"`([\w./-]+\.(?:py|html|js|md))(?::\s*([\w.]+))?")


def named() -> list[tuple[str, str | None]]:
    return PATH.findall(DOC.read_text(encoding="utf-8"))


def resolve(path: str) -> Path | None:
    for base in BASES:
        candidate = ROOT / base / path
        if candidate.exists():
            return candidate
    return None


def test_every_file_the_architecture_names_exists():
    missing = [path for path, _name in named() if resolve(path) is None]
    assert missing == []


def test_every_module_colon_name_is_defined_in_that_module():
    undefined = []
    for path, name in named():
        found = resolve(path)
        if not name or found is None:
            continue
        last = name.split(".")[-1]
        text = found.read_text(encoding="utf-8")
        if not re.search(rf"(def|class)\s+{last}\b|^\s*{last}\s*[:=]", text, re.M):
            undefined.append(f"{path}: {name}")
    assert undefined == []


def test_the_doc_names_enough_to_be_checked():
    assert len(named()) > 40
