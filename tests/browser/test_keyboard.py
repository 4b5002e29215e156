"""Keyboard use: the skip link comes first and works, and focus is always visible."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const e = document.activeElement, style = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(),
          text: (e.textContent || e.placeholder || '').trim().slice(0, 30),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
            && r.left < innerWidth};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_skip_link_comes_first_and_moves_focus_to_the_content(open_page, dossier, width):
    page, visit = open_page(dossier.url("articles/c2b3c7eb976f/index.html"), width=width)
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert focused["on_screen"] and focused["outline"], focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), (
        "the next stop is inside the content"
    )


@pytest.mark.parametrize(
    "path",
    ["index.html", "timeline/index.html", "search/index.html?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7"],
)
def test_every_focus_stop_is_visible(open_page, dossier, path):
    page, visit = open_page(dossier.url(path))
    if "search" in path:
        page.wait_for_selector("#search-results[aria-busy='false'] li", state="attached")
    hidden = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "body":
            break
        page.evaluate(
            "document.activeElement.scrollIntoViewIfNeeded"
            " && document.activeElement.scrollIntoViewIfNeeded()"
        )
        if not (page.evaluate(FOCUS_STYLE)["on_screen"] and focused["outline"]):
            hidden.append(focused)
    assert hidden == []
