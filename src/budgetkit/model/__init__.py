"""The forms every stage hands on: cells and documents, lines, the tables and their fields, NFKC text."""
