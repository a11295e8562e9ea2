"""Claims: what the outlets state, aligned across articles as consensus, unique or conflict.

Entry points, in the order the pipeline calls them: `candidate_sentences` (the sentences of an
event that may be claims), `needs_vector` (those worth an embedding), `statements_of` (the
candidates with their embeddings), `align_claims` (the claims of one event, `events`), then
`align_across_stories` (the same claim in two events of one story, `stories`).
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
from storyline.claims.stories import align_across_stories

__all__ = [
    "CLAIMS_VERSION",
    "UNNAMED",
    "Candidate",
    "Statement",
    "align_across_stories",
    "align_claims",
    "candidate_sentences",
    "needs_vector",
    "outlet_key",
    "outlet_name",
    "statements_of",
]
