"""Every write of the knowledge base goes through these modules."""
