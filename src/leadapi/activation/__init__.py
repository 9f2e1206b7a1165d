"""The defaults a workspace starts with: inactive automations and the nurture tracks they name."""
