"""Claims: what the outlets state, aligned across articles as consensus, unique or conflict.

Entry points, in the order the pipeline calls them: `candidate_sentences` (the sentences of an
event that may be claims), `needs_vector` (those worth an embedding), `statements_of` (the
candidates with their embeddings), `align_claims` (the claims of one event, `events`), then
`near_pairs`, `align_pair` and `apply_links` (the same claim in two events of one story,
`stories`; `align_across_stories` does the three for whole stories).
"""

from storyline.claims.events import (
    CLAIMS_VERSION,
    UNNAMED,
    Candidate,
    Statement,
    align_claims,
    candidate_sentences,
    needs_vector,
    outlet_key,
    outlet_name,
    statements_of,
)
from storyline.claims.stories import Link, align_across_stories, align_pair, apply_links, near_pairs

__all__ = [
    "CLAIMS_VERSION",
    "UNNAMED",
    "Candidate",
    "Link",
    "Statement",
    "align_across_stories",
    "align_claims",
    "align_pair",
    "apply_links",
    "candidate_sentences",
    "near_pairs",
    "needs_vector",
    "outlet_key",
    "outlet_name",
    "statements_of",
]
