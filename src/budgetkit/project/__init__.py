"""A project on disk: its folders, fingerprints of its inputs, atomic writes of its outputs."""
