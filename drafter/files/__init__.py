"""Reading and writing a user's files safely: decoding, bounded reads, YAML with positions,
atomic writes, locks, and the cache folder."""
