"""Markdown helpers: text from the catalog, a link or a file is always shown literally."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str) -> str:
    """Render text from the catalog, a link or a file literally in markdown: no links, images,
    emphasis or HTML can come from it."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_url(url: str) -> str:
    """A catalog URL (http or https, no spaces: the schema checks) made safe inside a Markdown link."""
    return url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table whose cells are shown literally (escaped); much cheaper than a dataframe."""
    def cell(text: str) -> str:
        return md_escape(str(text)).replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
