"""Pack files: reading YAML with line numbers, validating, loading and comparing them."""
