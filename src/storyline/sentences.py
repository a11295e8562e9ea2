"""Whether a piece of article text reads as a whole sentence, for the lines a reader is shown.

The parse splits sentences where a reader would not: inside a quotation ("It belongs to the
people who live along it," cut from the "… said Varga." that ends it) and after a dateline
("DRAVIK, Karvonia (Estria Daily Wire) -"). A summary or timeline line must stand on its own,
so such pieces are never shown as lines.

A summary line is also read without its neighbours, so it must not lean on them: a line that
opens on a pronoun ("They can spread the word ..."), is said by a pronoun ("..., she says.") or
asks a question (an interviewer's) is left out of a summary (`stands_alone`).
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
_OPENING = "\"“‘'"


def is_whole_sentence(text: str) -> bool:
    """Opens on a capital, a digit or an opening quotation mark, ends on a full stop, question
    or exclamation mark (closing marks may follow), and closes every quotation it opens."""
    text = text.strip()
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in _OPENING):
        return False
    if not _SENTENCE_END.search(text):
        return False
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


_LEANING_OPENING = re.compile(
    r"^(?:He|She|They|It|We|I|You|His|Her|Their|Its|This|That|These|Those|Such|Both|Neither)\b"
)
_PRONOUN_SAYS = re.compile(
    r"[,.!?][\"”’']?\s*(?:he|she|they|it|I|we)\s+(?:said|says|added|adds|told\b[^.]*|explained|explains)\s*\.$"
)


def stands_alone(text: str) -> bool:
    """Whether a whole sentence reads on its own, without the sentences around it in its article:
    it does not open on a pronoun or a demonstrative (a quotation may: its attribution says who
    "we" are), is not attributed to a pronoun, and is not a question."""
    text = text.strip()
    if _LEANING_OPENING.match(text) or _PRONOUN_SAYS.search(text):
        return False
    return not re.search(r"\?[\"”’')\]]*$", text)
