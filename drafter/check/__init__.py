"""``drafter check``: review a finished speech (structure, repetition, 提法, copying, length,
quotations) against the bank and the writer's own documents."""
