"""The knowledge base: its folders, its config and their loaders, the post-mortem model, YAML with positions, body sections, git."""
