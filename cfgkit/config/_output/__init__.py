"""Text out: pretty_text, dumps and the diff text (private)."""
