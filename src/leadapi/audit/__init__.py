"""The audit log: who changed which admin resource, how, and when."""
