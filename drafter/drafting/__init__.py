"""Composing an outline draft for a theme from the bank: the draft model, the index and the composer."""
