"""A small document model rendered as Markdown or as self-contained HTML, so both say the same."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Union

STYLE = """body{font:15px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1f2328}table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #d0d7de;
padding:.35em .6em;text-align:left;vertical-align:top}th{background:#f6f8fa}code{background:#f6f8fa;padding:.1em .3em;
border-radius:4px;font-size:90%}h1,h2,h3{line-height:1.25}.status-failing{color:#cf222e;font-weight:600}
.status-enforced{color:#1a7f37;font-weight:600}.status-waived{color:#9a6700;font-weight:600}"""


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Items:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


Block = Union[Heading, Paragraph, Items, Table]


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def heading(self, level: int, text: str) -> "Document":
        self.blocks.append(Heading(level, text))
        return self

    def paragraph(self, text: str) -> "Document":
        self.blocks.append(Paragraph(text))
        return self

    def items(self, items: list[str]) -> "Document":
        if items:
            self.blocks.append(Items(items))
        return self

    def table(self, headers: list[str], rows: list[list[str]]) -> "Document":
        self.blocks.append(Table(headers, rows))
        return self

    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for block in self.blocks:
            if isinstance(block, Heading):
                out += ["#" * block.level + " " + block.text, ""]
            elif isinstance(block, Paragraph):
                out += [block.text, ""]
            elif isinstance(block, Items):
                out += [f"- {item}" for item in block.items] + [""]
            else:
                cell = lambda text: str(text).replace("|", "\\|").replace("\n", "<br>")  # noqa: E731
                out += ["| " + " | ".join(cell(h) for h in block.headers) + " |",
                        "|" + "---|" * len(block.headers)]
                out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in block.rows] + [""]
        return "\n".join(out).rstrip() + "\n"

    def html(self) -> str:
        out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
               f"<title>{_inline(self.title)}</title><style>{STYLE}</style></head><body>", f"<h1>{_inline(self.title)}</h1>"]
        for block in self.blocks:
            if isinstance(block, Heading):
                out.append(f"<h{block.level}>{_inline(block.text)}</h{block.level}>")
            elif isinstance(block, Paragraph):
                out.append(f"<p>{_inline(block.text)}</p>")
            elif isinstance(block, Items):
                out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + "</ul>")
            else:
                head = "".join(f"<th>{_inline(h)}</th>" for h in block.headers)
                body = "".join("<tr>" + "".join(f"<td{_status_class(c)}>{_inline(str(c))}</td>" for c in row) + "</tr>"
                               for row in block.rows)
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        out.append("</body></html>")
        return "\n".join(out) + "\n"


def _inline(text: str) -> str:
    """HTML-escaped text with `code` spans and line breaks kept."""
    parts = html.escape(text).split("`")
    rendered = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    return rendered.replace("\n", "<br>").replace("**", "")


def _status_class(cell: object) -> str:
    text = str(cell).lower()
    for status in ("failing", "enforced", "waived"):
        if text.startswith(status):
            return f' class="status-{status}"'
    return ""
