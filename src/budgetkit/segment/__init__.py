"""Text cut into cells (text) and cells into vocabulary tokens (tokens)."""
