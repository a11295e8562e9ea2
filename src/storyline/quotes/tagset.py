"""The attribution transformer's labels and token facts, shared by the runtime tagger
(`transformer`), its PyTorch modules (`torch_model`) and training, so none imports another."""

LABELS = ("O", "B-CUE", "I-CUE", "B-SOURCE", "I-SOURCE", "B-CONTENT", "I-CONTENT")
# MiniLM's layers below this stay as shipped, the ones above are fine-tuned: what training
# uses; a shipped model records its own (`cut` in its record; this when the record has none).
CUT = 2
MAX_WORDPIECES = 256  # MiniLM's training length; a longer sentence is cut (its tail reads O)
BUCKETS = ("no", "low", "mid", "high")  # `tagger.Lexicon.bucket`
FACTS = ("in_quote", "bucket", "dep", "pos", "branch")
# Rows of each fact's embedding table; row 0 is "no fact" (padding, an unseen value).
FEATURE_SIZES = (3, len(BUCKETS) + 1, 64, 32, 64)
