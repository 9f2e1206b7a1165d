"""Nurture tracks: paced, multichannel, consent-aware sequences of touches."""
