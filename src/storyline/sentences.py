"""Whether a piece of article text reads as a whole sentence, for the lines a reader is shown.

The parse splits sentences where a reader would not: inside a quotation ("It belongs to the
people who live along it," cut from the "… said Varga." that ends it) and after a dateline
("DRAVIK, Karvonia (Estria Daily Wire) -"). A summary or timeline line must stand on its own,
so such pieces are never shown as lines.
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
