"""Imports: a file of leads taken over the API, spooled, and captured by a background job."""
