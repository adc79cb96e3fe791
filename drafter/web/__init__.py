"""``drafter serve``: the same assistant as a local web page, for writers who never open a
terminal. The page calls the library functions the CLI calls; nothing here drafts, edits the
bank or runs a batch on its own."""
