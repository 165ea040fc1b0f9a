"""The merge rules: a child into its bases, list selectors, --cfg-options (private)."""
