"""The trained attribution tagger: a linear-chain CRF over the dependency parse and a
transformer's reading of each sentence, which marks the cue, source and content of reported
speech and beliefs, sentence by sentence.

Each token is described by its word, lemma, part of speech, dependency and head, whether it sits
inside quotation marks, how often its lemma was a cue in the training data (the cue lexicon),
where it hangs below the nearest likely cue ("in the clausal complement of *say*", "in the
subject of *tell*"), and the label probabilities that the fine-tuned MiniLM of
`storyline.quotes.transformer` gives it. The CRF labels tokens with BIO tags for CUE, SOURCE
and CONTENT; `group_spans` then links each cue to its source and content, including content
that runs on in a neighbouring sentence. Both models are trained by `storyline train quotes`
(see `storyline.training.quotes`) and shipped in `storyline/data/`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.errors import MissingDependency
from storyline.models import Analysis, Token
from storyline.quotes import tagset
from storyline.quotes import transformer as attribution_transformer

if TYPE_CHECKING:  # imported where the tagger loads, so that a missing one is a clear error
    import pycrfsuite

MODEL_NAME = "quotes-crf"
LABELS = ("CUE", "SOURCE", "CONTENT")
_QUOTE_CHARS = frozenset('"“”«»')


@dataclass(frozen=True, slots=True)
class Lexicon:
    """How often each lemma was (part of) a cue in the training data."""

    cue_rate: dict[str, float]

    def bucket(self, lemma: str) -> str:
        rate = self.cue_rate.get(lemma.lower(), 0.0)
        if rate >= 0.5:
            return "high"
        if rate >= 0.2:
            return "mid"
        if rate >= 0.05:
            return "low"
        return "no"


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    """A run of tokens with one label: `label` is CUE, SOURCE or CONTENT; offsets are characters."""

    label: str
    start: int
    end: int
    sent: int
    first: int  # token indexes, end exclusive
    last: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """One attribution found by the tagger: content spans, and the cue and source if found."""

    content: tuple[tuple[int, int], ...]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    cue_token: int | None  # index of the cue's first token
    source_token: int | None


def quote_state(text: str, tokens: Sequence[Token], quoted: Sequence[tuple[int, int]]) -> list[bool]:
    """For each token, whether it lies inside quotation marks."""
    state, j = [], 0
    spans = sorted(quoted)
    for token in tokens:
        while j < len(spans) and spans[j][1] <= token.start:
            j += 1
        state.append(j < len(spans) and spans[j][0] <= token.start < spans[j][1])
    return state


def _shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if word[:1].isupper():
        return "X" if word.isupper() and len(word) > 1 else "Xx"
    return "x" if word.isalpha() else "p"


def units(text: str, analysis: Analysis) -> list[list[int]]:
    """Token indexes of each sentence (the tagger's sequence), whitespace tokens left out.
    Sentences tag better than paragraphs on held-out train: the source stays with its cue."""
    return [ids for ids in _sentence_ids(text, analysis) if ids]


def children_of(tokens: Sequence[Token]) -> dict[int, list[int]]:
    """Each token's dependents."""
    children: dict[int, list[int]] = {}
    for t in tokens:
        if t.head != t.i:
            children.setdefault(t.head, []).append(t.i)
    return children


class _Feature(dict[object, str]):
    """The strings `name=value` of one feature that takes few values (a part of speech, a bucket,
    a flag), each made once per process: shared strings cost much less than a new one for every
    token. A tuple value is joined with "|"."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __missing__(self, value) -> str:
        shown = "|".join(value) if isinstance(value, tuple) else value
        made = self[value] = f"{self.name}={shown}"
        return made


_POS, _TAG, _DEP, _SHAPE = _Feature("p"), _Feature("t"), _Feature("d"), _Feature("s")
_HEAD_POS, _DEP_HEAD_DEP, _QUOTED, _QUOTE_MARK = (
    _Feature("hp"),
    _Feature("dhd"),
    _Feature("q"),
    _Feature("qm"),
)
_BUCKET, _HEAD_BUCKET, _BUCKET_POS = _Feature("x"), _Feature("hx"), _Feature("xp")
_CHILD_DEP, _CUE_BRANCH, _CUE_DISTANCE = _Feature("ch"), _Feature("cp"), _Feature("cpd")
_SENT_QUOTED, _SENT_CUED = _Feature("sq"), _Feature("sc")
_NEIGHBOURS = (-2, -1, 1, 2)
# Per offset, what a row reads of its neighbour there: part of speech, bucket, in quotes.
_SEEN = {off: (_Feature(f"{off}p"), _Feature(f"{off}x"), _Feature(f"{off}q")) for off in _NEIGHBOURS}


@dataclass(frozen=True, slots=True)
class TokenValues:
    """The feature strings of each token of one article, made once per article: a token's own
    features, and those the rows of its neighbours read of it at each offset of `_NEIGHBOURS`."""

    text: str
    tokens: Sequence[Token]
    in_quote: Sequence[bool]
    strong: list[bool]  # the lemma's cue-lexicon bucket is mid or high
    words: list[str]  # lowercased token text
    own: list[tuple[str, ...]]  # the features of the token alone
    seen: tuple[list[tuple[str, ...]], ...]  # per offset, what a neighbour's row reads of it


def token_values(
    text: str, analysis: Analysis, lexicon: Lexicon, quoted: Sequence[tuple[int, int]]
) -> TokenValues:
    """The per-token features of one article, which `unit_features` assembles into rows."""
    tokens = analysis.tokens
    in_quote = quote_state(text, tokens, quoted)
    children = children_of(tokens)
    lemmas = [t.lemma.lower() for t in tokens]
    buckets = [lexicon.bucket(lemma) for lemma in lemmas]
    strong = [b in ("mid", "high") for b in buckets]
    words = [text[t.start : t.end].lower() for t in tokens]
    own = [_token_features(text, tokens, t, lemmas, buckets, strong, in_quote[t.i], children) for t in tokens]
    seen: tuple[list[tuple[str, ...]], ...] = tuple(
        [
            (f"{off}w={w}", pos[t.pos], bucket[b], inside[q])
            for t, w, b, q in zip(tokens, words, buckets, in_quote, strict=True)
        ]
        for off, (pos, bucket, inside) in _SEEN.items()
    )
    return TokenValues(
        text=text, tokens=tokens, in_quote=in_quote, strong=strong, words=words, own=own, seen=seen
    )


def unit_features(values: TokenValues, ids: Sequence[int]) -> list[list[str]]:
    """Feature strings of every token of one sentence."""
    text, tokens, in_quote, words = values.text, values.tokens, values.in_quote, values.words
    has_cue: dict[int, bool] = {}
    has_quote: dict[int, bool] = {}
    for i in ids:
        sent = tokens[i].sent
        has_quote[sent] = has_quote.get(sent, False) or in_quote[i] or text[tokens[i].start] in _QUOTE_CHARS
        has_cue[sent] = has_cue.get(sent, False) or values.strong[i]
    sents = [tokens[i].sent for i in ids]
    rows = []
    for k, i in enumerate(ids):
        sent = sents[k]
        row = [*values.own[i], _SENT_QUOTED[has_quote[sent]], _SENT_CUED[has_cue[sent]]]
        if k == 0 or sents[k - 1] != sent:
            row.append("BOS")
        if k == len(ids) - 1 or sents[k + 1] != sent:
            row.append("EOS")
        for off, seen in zip(_NEIGHBOURS, values.seen, strict=True):
            if 0 <= k + off < len(ids):
                row.extend(seen[ids[k + off]])
        if k > 0:
            row.append(f"bw={words[ids[k - 1]]}|{words[i]}")
        rows.append(row)
    return rows


def _token_features(
    text: str,
    tokens: Sequence[Token],
    t: Token,
    lemmas: Sequence[str],
    buckets: Sequence[str],
    strong: Sequence[bool],
    in_quote: bool,
    children: dict[int, list[int]],
) -> tuple[str, ...]:
    """`lemmas` are lowercased; `strong` says whether a lemma's bucket is mid or high."""
    word = text[t.start : t.end]
    head = tokens[t.head]
    bucket = buckets[t.i]
    row = [
        "bias",
        f"w={word.lower()}",
        f"l={lemmas[t.i]}",
        _POS[t.pos],
        _TAG[t.tag],
        _DEP[t.dep],
        _SHAPE[_shape(word)],
        f"suf={word[-3:].lower()}",
        f"hl={lemmas[head.i]}",
        _HEAD_POS[head.pos],
        _DEP_HEAD_DEP[t.dep, head.dep],
        _QUOTED[in_quote],
        _QUOTE_MARK[word in _QUOTE_CHARS],
        _BUCKET[bucket],
        _HEAD_BUCKET[buckets[head.i]],
        _BUCKET_POS[bucket, t.pos],
    ]
    if bucket != "no":  # a lemma that was a cue at least 5% of the time
        row.extend(_CHILD_DEP[dep] for dep in sorted({tokens[c].dep for c in children.get(t.i, ())}))
    # Where the token hangs below the nearest likely cue: the dependency of the branch it is in.
    below = branch_below_cue(tokens, strong, t)
    if below is None:
        row.append("cp=none")
    else:
        node, steps = below
        row.append(_CUE_BRANCH[node.dep])
        row.append(f"cpl={node.dep}|{lemmas[node.head]}")
        row.append(_CUE_DISTANCE[min(steps, 4)])
    return tuple(row)


def branch_below_cue(tokens: Sequence[Token], strong: Sequence[bool], t: Token) -> tuple[Token, int] | None:
    """The token's ancestor (or itself) whose head is the nearest likely cue above it (`strong`),
    and how many steps up that is; None when no likely cue is within 12 steps."""
    node, steps = t, 0
    while node.head != node.i and steps < 12:
        if strong[node.head]:
            return node, steps
        node, steps = tokens[node.head], steps + 1
    return None


def cue_branches(tokens: Sequence[Token], strong: Sequence[bool]) -> list[str]:
    """Each token's branch below the nearest likely cue: the dependency it hangs by, or none."""
    out = []
    for t in tokens:
        below = branch_below_cue(tokens, strong, t)
        out.append(below[0].dep if below else "none")
    return out


def tags_to_spans(tokens: Sequence[Token], ids: Sequence[int], tags: Sequence[str]) -> list[TaggedSpan]:
    """Runs of one label (a B- tag starts a new run) as character spans."""
    spans: list[TaggedSpan] = []
    current: list[int] = []
    label = None
    for i, tag in zip(ids, tags, strict=True):
        kind = tag[2:] if tag != "O" else None
        if kind is None or tag.startswith("B-") or kind != label:
            if label and current:
                spans.append(_span(tokens, label, current))
            current, label = ([i], kind) if kind else ([], None)
        else:
            current.append(i)
    if label and current:
        spans.append(_span(tokens, label, current))
    return spans


def _span(tokens: Sequence[Token], label: str, ids: list[int]) -> TaggedSpan:
    return TaggedSpan(
        label=label,
        start=tokens[ids[0]].start,
        end=tokens[ids[-1]].end,
        sent=tokens[ids[0]].sent,
        first=ids[0],
        last=ids[-1] + 1,
    )


def group_spans(text: str, spans: Sequence[TaggedSpan]) -> list[Proposal]:
    """Link each cue to the nearest source and content of its sentence; content without a cue
    joins the attribution of the neighbouring sentence of its paragraph, else stands alone; a
    cue left without content reports the attribution after it ("X said [Y rejected Z]")."""
    by_sent: dict[int, list[TaggedSpan]] = {}
    for span in spans:
        by_sent.setdefault(span.sent, []).append(span)
    groups: dict[int, list[dict]] = {}
    orphans: list[TaggedSpan] = []
    for sent, items in sorted(by_sent.items()):
        cues = [s for s in items if s.label == "CUE"]
        if not cues:
            orphans.extend(s for s in items if s.label == "CONTENT")
            continue
        found: list[dict] = [{"cue": c, "source": None, "content": []} for c in cues]
        for s in items:
            if s.label == "CUE":
                continue
            nearest = min(found, key=lambda g: _distance(g["cue"], s))
            if s.label == "SOURCE":
                if nearest["source"] is None or _distance(nearest["cue"], s) < _distance(
                    nearest["cue"], nearest["source"]
                ):
                    nearest["source"] = s
            else:
                nearest["content"].append(s)
        groups[sent] = found
    standalone: list[dict] = []
    attached: set[int] = set()
    # Backwards first, so "A. B. C," he said links all three sentences to the cue.
    for span in sorted(orphans, key=lambda s: -s.start):
        target = _next_group(text, groups, span)
        if target is not None:
            target["content"].append(span)
            groups.setdefault(span.sent, [target])
            attached.add(id(span))
    for span in orphans:
        if id(span) in attached:
            continue
        target = _previous_group(text, groups, span)
        if target is None:
            standalone.append({"cue": None, "source": None, "content": [span]})
        else:
            target["content"].append(span)
            groups.setdefault(span.sent, [target])
    proposals = []
    unique = list({id(g): g for found in groups.values() for g in found}.values())
    for group in unique + standalone:
        if not group["content"]:
            # "X said Y rejected Z": the inner attribution is the content of the outer one.
            inner = _inner_attribution(groups.get(group["cue"].sent, ()), group)
            if inner is None:
                continue
            group = {**group, "content": [inner]}
        pieces = sorted((s.start, s.end) for s in group["content"])
        cue, source = group["cue"], group["source"]
        proposals.append(
            Proposal(
                content=tuple(pieces),
                cue=(cue.start, cue.end) if cue else None,
                source=(source.start, source.end) if source else None,
                cue_token=cue.first if cue else None,
                source_token=source.first if source else None,
            )
        )
    proposals.sort(key=lambda p: p.content[0])
    return proposals


def _inner_attribution(found: Sequence[dict], outer: dict) -> TaggedSpan | None:
    """The attribution after an empty cue in its sentence, as one span from its first to its
    last tagged token."""
    cue = outer["cue"]
    after = [
        g
        for g in found
        if g is not outer
        and g["content"]
        and g["cue"].first >= cue.last
        and (outer["source"] is None or g["source"] is not outer["source"])
    ]
    if not after:
        return None
    inner = min(after, key=lambda g: g["cue"].first)
    parts = [inner["cue"], *inner["content"]] + ([inner["source"]] if inner["source"] else [])
    first = min(parts, key=lambda s: s.first)
    last = max(parts, key=lambda s: s.last)
    if first.first < cue.last or first.sent != last.sent:
        return None
    return TaggedSpan(
        label="CONTENT", start=first.start, end=last.end, sent=first.sent, first=first.first, last=last.last
    )


def _distance(a: TaggedSpan, b: TaggedSpan) -> int:
    return max(0, b.first - a.last, a.first - b.last)


def _next_group(text: str, groups: dict[int, list[dict]], span: TaggedSpan) -> dict | None:
    """The next sentence's attribution, if it opens with content before its cue in the same
    paragraph: cue-less content continues it."""
    found = groups.get(span.sent + 1)
    if not found:
        return None
    group = found[0]
    first = min((s.start for s in group["content"]), default=None)
    if first is None or group["cue"] is None or first > group["cue"].start or "\n" in text[span.end : first]:
        return None
    return group


def _previous_group(text: str, groups: dict[int, list[dict]], span: TaggedSpan) -> dict | None:
    """The previous sentence's attribution, if its content runs up to this one in the same
    paragraph."""
    found = groups.get(span.sent - 1)
    if not found:
        return None
    group = found[-1]
    last = max((s.end for s in group["content"]), default=None)
    if last is None or "\n" in text[last : span.start]:
        return None
    return group


def gold_tags(
    tokens: Sequence[Token], ids: Sequence[int], roles: Iterable[tuple[str, tuple[tuple[int, int], ...], int]]
) -> list[str]:
    """BIO tags of one sentence from gold spans `(label, spans, attribution number)`; a cue or
    source inside another attribution's content takes precedence over that content."""
    priority = {"CUE": 0, "SOURCE": 1, "CONTENT": 2}
    best: dict[int, tuple[int, str, int]] = {}
    for label, pieces, number in roles:
        for start, end in pieces:
            for i in ids:
                t = tokens[i]
                if t.start < end and start < t.end:
                    candidate = (priority[label], label, number)
                    if i not in best or candidate < best[i]:
                        best[i] = candidate
    tags, previous = [], None
    for i in ids:
        if i not in best:
            tags.append("O")
            previous = None
            continue
        _, label, number = best[i]
        tags.append(("I-" if previous == (label, number) else "B-") + label)
        previous = (label, number)
    return tags


def model_dir() -> Path:
    return Path(str(resources.files("storyline") / "data"))


@dataclass(frozen=True, slots=True)
class Tagger:
    """The shipped tagger: the transformer's label probabilities feed the CRF as features."""

    crf: pycrfsuite.Tagger
    lexicon: Lexicon
    transformer: attribution_transformer.Transformer


@functools.cache
def load_tagger(directory: str | None = None) -> Tagger:
    """The shipped CRF, its cue lexicon and the transformer, loaded once per process."""
    try:
        import pycrfsuite
    except ImportError as e:
        raise MissingDependency(
            "the quote tagger needs python-crfsuite: `pip install python-crfsuite`"
        ) from e
    root = Path(directory) if directory else model_dir()
    model, lexicon_file = root / f"{MODEL_NAME}.bin", root / f"{MODEL_NAME}.json"
    if not model.is_file() or not lexicon_file.is_file():
        raise MissingDependency(
            f"no quote tagger at {root}: train one with `storyline train quotes PATH/TO/polnear`"
        )
    crf = pycrfsuite.Tagger()
    crf.open(str(model))
    meta = json.loads(lexicon_file.read_text("utf-8"))
    return Tagger(
        crf=crf,
        lexicon=Lexicon(cue_rate=meta["cue_rate"]),
        transformer=attribution_transformer.load(str(root)),
    )


@functools.cache
def tagger_digest(directory: str | None = None) -> str:
    """A short digest of the tagger's files: a retrained tagger makes cached quotes stale."""
    root = Path(directory) if directory else model_dir()
    digest = hashlib.sha1()
    for name in (
        f"{MODEL_NAME}.bin",
        f"{MODEL_NAME}.json",
        *(p.name for p in attribution_transformer.shipped_files(root)),
    ):
        if (root / name).is_file():
            digest.update((root / name).read_bytes())
    return digest.hexdigest()[:12]


def describe_tagger() -> str:
    """Load the tagger (exporting its transformer if need be) and say what it is."""
    load_tagger()
    cut = attribution_transformer.read_meta(model_dir()).get("cut", tagset.CUT)
    return (
        f"CRF over the parse and a transformer ({attribution_transformer.BASE_MODEL}, layers "
        f"above {cut} fine-tuned on PolNeAR; onnxruntime)"
    )


def probability_features(probabilities) -> list[list[str]]:
    """The CRF's features from the transformer's (tokens, labels) probabilities of a sentence:
    its best label here and beside, and each label it gives at least 0.1, in three bands."""
    labels = tagset.LABELS
    best = [labels[k] for k in probabilities.argmax(axis=1)]
    rows = []
    for k, row in enumerate(probabilities.tolist()):
        features = [_TF_BEST[best[k]]]
        features.extend(
            _TF_BAND[labels[j], "hi" if p >= 0.6 else "mid" if p >= 0.3 else "lo"]
            for j, p in enumerate(row)
            if j and p >= 0.1
        )
        if k > 0:
            features.append(_TF_BEFORE[best[k - 1]])
        if k + 1 < len(best):
            features.append(_TF_AFTER[best[k + 1]])
        rows.append(features)
    return rows


_TF_BEST, _TF_BAND, _TF_BEFORE, _TF_AFTER = (
    _Feature("tf"),
    _Feature("tfp"),
    _Feature("-1tf"),
    _Feature("+1tf"),
)


def transformer_inputs(
    text: str,
    analysis: Analysis,
    lexicon: Lexicon,
    vocabulary: attribution_transformer.Vocabulary,
    tokenizer,
    quoted: Sequence[tuple[int, int]],
):
    """The sentences of one article and the transformer's input for each."""
    tokens = analysis.tokens
    sentences = units(text, analysis)
    buckets = [lexicon.bucket(t.lemma) for t in tokens]
    branches = cue_branches(tokens, [b in ("mid", "high") for b in buckets])
    return sentences, attribution_transformer.unit_inputs(
        text, tokens, sentences, tokenizer, vocabulary, quote_state(text, tokens, quoted), buckets, branches
    )


def tag_analysis(
    text: str, analysis: Analysis, quoted: Sequence[tuple[int, int]], tagger: Tagger | None = None
) -> list[TaggedSpan]:
    """Every CUE, SOURCE and CONTENT run the tagger finds in the article."""
    tagger = tagger or load_tagger()
    transformer = tagger.transformer
    sentences, inputs = transformer_inputs(
        text, analysis, tagger.lexicon, transformer.vocabulary, transformer.tokenizer, quoted
    )
    values = token_values(text, analysis, tagger.lexicon, quoted)
    spans: list[TaggedSpan] = []
    for ids, found in zip(sentences, transformer.probabilities(inputs), strict=True):
        rows = [a + b for a, b in zip(unit_features(values, ids), probability_features(found), strict=True)]
        spans.extend(tags_to_spans(analysis.tokens, ids, tagger.crf.tag(rows)))
    return spans


def _sentence_ids(text: str, analysis: Analysis) -> list[list[int]]:
    ids: list[list[int]] = [[] for _ in analysis.sentences]
    for t in analysis.tokens:
        if 0 <= t.sent < len(ids) and not text[t.start : t.end].isspace():
            ids[t.sent].append(t.i)
    return ids
