"""The two ways a writer runs drafting: a batch of briefs, and the guided session of ``drafter new``."""
