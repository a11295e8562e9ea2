"""The attribution transformer as PyTorch modules, for training (`storyline train quotes`) and for
the one-off ONNX export that runs it (`storyline.quotes.transformer`). Imported only there:
a normal run never loads PyTorch.

The lower `cut` layers of MiniLM stay as the embedding model's package ships them; the layers
above them are copied from MiniLM, fine-tuned, and read, besides the words, five facts of each
token the parse gives: whether it sits inside quotation marks, its cue-lexicon bucket, its
dependency, its part of speech and the branch it hangs in below the nearest likely cue.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from storyline.quotes.tagset import FEATURE_SIZES, LABELS


class AttributionHead(nn.Module):
    """The fine-tuned upper layers, the token facts and the label classifier."""

    def __init__(self, base, cut: int) -> None:
        super().__init__()
        hidden = base.config.hidden_size
        self.layers = nn.ModuleList(copy.deepcopy(base.encoder.layer[cut:]))
        tables = [nn.Embedding(size, hidden) for size in FEATURE_SIZES]
        for table in tables:  # start as the plain model: the facts are learned on top
            nn.init.zeros_(table.weight)
        self.facts = nn.ModuleList(tables)
        self.dropout = nn.Dropout(0.1)
        self.classify = nn.Linear(hidden, len(LABELS))

    def forward(self, hidden, attention_mask, facts):
        """Label logits per wordpiece from the lower layers' states; `facts` is
        (len(FEATURE_SIZES), batch, wordpieces) of fact ids, 0 where none applies."""
        for k, table in enumerate(self.facts):
            hidden = hidden + table(facts[k])
        additive = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * -1e4
        for layer in self.layers:
            out = layer(hidden, attention_mask=additive)
            hidden = out[0] if isinstance(out, tuple) else out
        return self.classify(self.dropout(hidden))


class LowerLayers(nn.Module):
    """MiniLM up to layer `cut`, frozen."""

    def __init__(self, base, cut: int) -> None:
        super().__init__()
        self.embeddings = base.embeddings
        self.layers = base.encoder.layer[:cut]

    def forward(self, input_ids, attention_mask):
        hidden = self.embeddings(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids))
        additive = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * -1e4
        for layer in self.layers:
            out = layer(hidden, attention_mask=additive)
            hidden = out[0] if isinstance(out, tuple) else out
        return hidden


class AttributionTagger(nn.Module):
    """Lower layers and head in one module, for export: label probabilities per wordpiece."""

    def __init__(self, lower: LowerLayers, head: AttributionHead) -> None:
        super().__init__()
        self.lower, self.head = lower, head

    def forward(self, input_ids, attention_mask, facts):
        return torch.softmax(self.head(self.lower(input_ids, attention_mask), attention_mask, facts), dim=-1)


def load_base(name: str):
    """MiniLM as a plain BERT encoder (eager attention, so the additive mask above applies)."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the weight-loading bar would clutter stderr
    return AutoModel.from_pretrained(name, attn_implementation="eager").eval()
