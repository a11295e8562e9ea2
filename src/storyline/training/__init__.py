"""Training the quote attribution tagger on PolNeAR's train split (`storyline train quotes`).

Never imported at runtime: only the `train` command and the tests load it.
`quotes.train_quotes` runs the two steps in order: `transformer` fine-tunes the transformer
tagger, then the CRF is trained over its label probabilities.
"""
