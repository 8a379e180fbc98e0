"""The house's arrows run one way: landscape → surveys → newsletter → core, inside
the newsletter sending → campaigns → audience, and inside surveys analysis and
reminders (apart from each other) → builder → answering. An import the wrong way fails
here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (package whose files are checked, packages it must never import)
FORBIDDEN = [
    ("core", ("newsletter", "surveys", "landscape")),
    ("newsletter", ("surveys", "landscape")),
    ("surveys", ("landscape",)),
    ("newsletter/audience", ("newsletter.campaigns", "newsletter.sending")),
    ("newsletter/campaigns", ("newsletter.sending",)),
    (
        "surveys/answering",
        ("surveys.builder", "surveys.reminders", "surveys.analysis"),
    ),
    ("surveys/builder", ("surveys.reminders", "surveys.analysis")),
    ("surveys/reminders", ("surveys.analysis",)),
    ("surveys/analysis", ("surveys.reminders",)),
]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, wherever the import stands (also in functions)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from newsletter import sending` imports the room, too
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def wrong_arrows(
    package: str, forbidden: tuple[str, ...], root: Path = ROOT
) -> list[str]:
    wrong = []
    for path in sorted((root / package).rglob("*.py")):
        for line, module in imported_modules(path):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                wrong.append(f"{path.relative_to(root)}:{line} imports {module}")
    return wrong


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN)
def test_no_arrow_runs_the_wrong_way(package, forbidden):
    assert wrong_arrows(package, forbidden) == []


def test_the_check_sees_a_wrong_arrow(tmp_path):
    room = tmp_path / "newsletter" / "audience"
    room.mkdir(parents=True)
    (room / "bad.py").write_text(
        "def f():\n    from newsletter.sending.models import Delivery\n"
    )
    found = wrong_arrows("newsletter/audience", ("newsletter.sending",), tmp_path)
    assert found == [
        "newsletter/audience/bad.py:2 imports newsletter.sending.models",
        "newsletter/audience/bad.py:2 imports newsletter.sending.models.Delivery",
    ]


def test_no_module_is_much_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for package in ("core", "newsletter", "surveys", "landscape")
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 420
    ]
    assert long == []


def test_no_function_is_more_complex_than_grade_c_without_saying_why():
    """Radon grade D or worse needs a `# complexity:` comment right above the def."""
    from radon.complexity import cc_rank, cc_visit

    unexplained = []
    for package in ("core", "newsletter", "surveys", "landscape"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text()
            lines = source.splitlines()
            for block in cc_visit(source):
                above = lines[block.lineno - 2].strip() if block.lineno > 1 else ""
                if cc_rank(block.complexity) > "C" and not above.startswith(
                    "# complexity:"
                ):
                    unexplained.append(f"{path.relative_to(ROOT)}:{block.name}")
    assert unexplained == []
