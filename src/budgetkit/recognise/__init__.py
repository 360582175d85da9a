"""A Document to table records: regions, header fields, the indicator rows aligned to their columns."""
