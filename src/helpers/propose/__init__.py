"""A new article's figures proposed for review (candidates), accepted into the raw tables (accept), and the
proposer measured against the hand-made tables (measure)."""
