"""Repairs of broken markup that libxml2 nests differently from a browser.

A browser's HTML parser closes whatever is still open inside a <button> when it meets
</button>; libxml2 ignores that end tag unless the button is the innermost open element.
A header's menu button written as `<button><div><div></button></div>` then swallows the
rest of the page, and the furniture stripper, removing the header, removes the story with it.
The repair closes the elements left open inside each button, as the browser does.
"""

from __future__ import annotations

import re

_BUTTON = re.compile(r"(<button\b[^>]*>)(.*?)(</button\s*>)", re.IGNORECASE | re.DOTALL)
# Markup a button cannot hold: a match that spans one began in a script's string or
# never closed, and is left alone.
_NOT_IN_BUTTON = re.compile(r"<(?:/?script|/?style|/?template|button|body|html|/body)\b", re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr", "path", "circle", "rect", "line", "polyline", "polygon", "use", "stop"}
)  # fmt: skip


def _left_open(inside: str) -> list[str]:
    """The elements opened inside a button's markup and not closed there, innermost last."""
    stack: list[str] = []
    for match in _TAG.finditer(inside):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if not closing:
            stack.append(name)
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name) :]
    return stack


def _close(match: re.Match[str]) -> str:
    start, inside, end = match.groups()
    if _NOT_IN_BUTTON.search(inside):
        return match.group(0)
    open_inside = _left_open(inside)
    if not open_inside:
        return match.group(0)
    return start + inside + "".join(f"</{name}>" for name in reversed(open_inside)) + end


def close_buttons(html: str) -> str:
    """`html` with the elements left open inside each <button> closed before its end tag."""
    if "</button" not in html and "</BUTTON" not in html:
        return html
    return _BUTTON.sub(_close, html)
