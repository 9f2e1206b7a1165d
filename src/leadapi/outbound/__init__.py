"""Calling out: which addresses and URLs leadapi may reach, and an HTTP transport that holds to
it at connect time."""
