"""Hypothesis strategies that produce the inputs each fuzz target needs: raw bytes, and
structured-but-broken documents that reach deeper than random bytes do."""

from __future__ import annotations

import json

from hypothesis import strategies as st

TAGS = [
    "html",
    "head",
    "body",
    "div",
    "p",
    "article",
    "main",
    "span",
    "a",
    "script",
    "style",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "h1",
    "h2",
    "nav",
    "footer",
    "header",
    "iframe",
    "svg",
    "noscript",
    "template",
    "br",
    "img",
    "meta",
    "title",
    "b",
    "i",
]
WORDS = [
    "the",
    "council",
    "said",
    "on",
    "Wednesday",
    "river",
    "plan",
    "“quoted”",
    "&amp;",
    "&#0;",
    "&nbsp;",
    "\u200b",
    "\ufeff",
    "é",
    "中文",
    "\x00",
    "Skip to main content",
    "Updated at 9:41 a.m.",
    "Photo: AP",
    "<",
    ">",
    "'",
    '"',
    "javascript:alert(1)",
]


@st.composite
def broken_html(draw) -> bytes:
    """Tag soup: unclosed, misnested and repeated tags, odd attributes, entities, encodings."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 5))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["class", "id", "href", "onload", "content", "charset", "style"]),
                        st.text(max_size=30),
                    ),
                    max_size=3,
                )
            )
            parts.append(f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in attrs) + ">")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=40))))
        elif kind == 3:
            parts.append(draw(st.text(max_size=80)))
        elif kind == 4:
            depth = draw(st.integers(0, 3000))
            parts.append(f"<{tag}>" * depth)
        else:
            parts.append(
                "<p>" + " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=5, max_size=60))) + ".</p>"
            )
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
    return "".join(parts).encode(encoding, errors="replace")


@st.composite
def scraped_text(draw) -> bytes:
    lines = draw(
        st.lists(
            st.one_of(
                st.sampled_from(
                    WORDS
                    + [
                        "",
                        "Advertisement",
                        "Follow the authors of this article:",
                        "(Reporting by A B; Editing by C D)",
                        "© 2024 News Corp",
                    ]
                ),
                st.text(max_size=120),
            ),
            max_size=40,
        )
    )
    sep = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    return sep.join(lines).encode("utf-8", errors="surrogatepass")


@st.composite
def jsonl_lines(draw) -> bytes:
    record = st.dictionaries(
        st.sampled_from(["text", "html", "url", "title", "outlet", "published", "extra"]),
        st.one_of(
            st.text(max_size=200),
            st.integers(),
            st.none(),
            st.lists(st.integers(), max_size=3),
            st.sampled_from(["2024-05-02", "yesterday", "2024-13-45", "0000-00-00"]),
        ),
        max_size=6,
    )
    lines = draw(st.lists(st.one_of(record.map(json.dumps), st.text(max_size=60)), max_size=12))
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """The seed with byte flips, cuts, insertions and duplicated slices."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 12))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.integers(0, 3))
        if op == 0:
            data[at] = draw(st.integers(0, 255))
        elif op == 1:
            del data[at : at + draw(st.integers(1, 200))]
        elif op == 2:
            data[at:at] = draw(st.binary(max_size=40))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 300))]
    return bytes(data)


FEED_SEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>http://example.com/a</link><guid>a</guid>
<pubDate>Thu, 02 May 2024 08:00:00 GMT</pubDate></item>
<item><title>B</title><link>/relative/b</link></item></channel></rss>"""


def strategy_for(target: str, warc_seed: bytes) -> st.SearchStrategy[bytes]:
    raw = st.binary(max_size=4000)
    return {
        "html": st.one_of(broken_html(), raw),
        "text": st.one_of(scraped_text(), raw),
        "jsonl": st.one_of(jsonl_lines(), raw),
        "plain_file": raw,
        "warc": st.one_of(mutated(warc_seed), raw),
        "feed": st.one_of(mutated(FEED_SEED), raw),
    }[target]
