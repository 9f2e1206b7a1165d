"""Tasks for owners: calls, emails and follow-ups due on a lead."""
