"""Mining parsed speeches into bank entries: headings, skeletons, leads, quotations, set phrases."""
