"""Plain text rules: normalising web text, sentences and clauses, numbering, parallel headings
and their skeletons."""
