"""The documentation pages render as written: fences close cleanly, and what a page points
at exists. (`mkdocs build --strict` in `.ci/run` checks the rendered site as well.)"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^\s*```")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
class TestPage:
    def test_a_fence_line_holds_only_the_fence_and_its_language(self, page: Path) -> None:
        """Text after a closing fence swallows the rest of the page when rendered."""
        bad = [(n, line) for n, line in enumerate(page.read_text("utf-8").splitlines(), 1)
               if FENCE.match(line) and not re.fullmatch(r"\s*```[\w-]*", line)]
        assert bad == []

    def test_every_fence_is_closed(self, page: Path) -> None:
        fences = [line for line in page.read_text("utf-8").splitlines() if FENCE.match(line)]
        assert len(fences) % 2 == 0

    def test_relative_links_point_at_files_in_the_repository(self, page: Path) -> None:
        text = page.read_text("utf-8")
        links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
        missing = [link for link in links if "://" not in link
                   and not (page.parent / link).exists()]
        assert missing == []

    def test_files_named_in_code_spans_are_in_the_repository(self, page: Path) -> None:
        """A page that names a document (`docs/x.md`, `tests/test_x.py`) names one we ship."""
        text = page.read_text("utf-8")
        named = re.findall(r"`([\w./-]+/[\w.-]+\.(?:md|py))`", text)
        missing = [name for name in named if not (ROOT / name).exists()
                   and not (page.parent / name).exists()]
        assert missing == []


def test_the_readme_names_the_default_hypothesis_profile() -> None:
    """The README once offered `HYPOTHESIS_PROFILE=dev` as the quicker choice; it was the
    default already. It names the default tests/conftest.py loads, and CI's profile."""
    conftest = (ROOT / "tests" / "conftest.py").read_text("utf-8")
    default = re.search(r'os\.environ\.get\("HYPOTHESIS_PROFILE", "(\w+)"\)', conftest)
    ci = re.search(r'HYPOTHESIS_PROFILE="\$\{HYPOTHESIS_PROFILE:-(\w+)\}"',
                   (ROOT / ".ci" / "run").read_text("utf-8"))
    assert default is not None
    assert ci is not None
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    assert f"the `{default[1]}` hypothesis profile by default" in readme
    assert f"CI sets `HYPOTHESIS_PROFILE={ci[1]}`" in readme
    assert "HYPOTHESIS_PROFILE=dev` for quicker" not in readme


def test_the_api_reference_shows_every_public_name_once() -> None:
    """docs/reference/salesperf.md groups `salesperf.__all__` by subject: a new export needs
    a place there (the modules have pages of their own)."""
    import inspect

    import salesperf

    page = (ROOT / "docs" / "reference" / "salesperf.md").read_text("utf-8")
    shown = re.findall(r"^::: salesperf\.(\w+)$", page, re.MULTILINE)
    names = [n for n in salesperf.__all__ if not inspect.ismodule(getattr(salesperf, n))]
    assert sorted(shown) == sorted(names)
    modules = [n for n in salesperf.__all__ if inspect.ismodule(getattr(salesperf, n))]
    for name in modules:
        assert f"::: salesperf.{name}\n" in (ROOT / "docs" / "reference" / f"{name}.md").read_text(
            "utf-8")
