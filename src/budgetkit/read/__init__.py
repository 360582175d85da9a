"""A file to a Document: one reader per format, the dispatch by content and suffix, OCR repair."""
