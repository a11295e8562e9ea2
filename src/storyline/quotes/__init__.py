"""Who said what: quotes with their speakers, and the same utterance matched across outlets.

Entry points: `extract_quotes` (one article) and `extract_all_quotes` (a batch), then
`group_quotes` over the quotes of all articles.

The cascade, in order:
1. `extract.find_quoted_spans`: passages inside quotation marks.
2. `tagger`: the CRF attribution tagger (trained on PolNeAR) labels cue, source and content,
   fed by the transformer's label probabilities (`transformer`, run in onnxruntime; its PyTorch
   modules in `torch_model` are used only to export and to train it).
3. `parse`: the dependency-parse search for the speech verb, its subject, passives and agents.
4. `extract`: the rules that join 1-3 into `Quote` records (direct, partial and reported speech,
   "he added" carried to the previous speaker).
5. `speakers`: each speaker typed (person, spokesperson, anonymous, organization, document),
   roles linked to the person named nearby.
6. `groups.group_quotes`: quotes of different articles that report one utterance share a group.
"""

from storyline.quotes.extract import QUOTES_VERSION, extract_all_quotes, extract_quotes, find_quoted_spans
from storyline.quotes.groups import GROUPS_VERSION, group_quotes

__all__ = [
    "GROUPS_VERSION",
    "QUOTES_VERSION",
    "extract_all_quotes",
    "extract_quotes",
    "find_quoted_spans",
    "group_quotes",
]
