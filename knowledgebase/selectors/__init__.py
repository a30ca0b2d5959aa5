"""Every read of the knowledge base that is more than a lookup."""
