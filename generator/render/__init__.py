"""Render stage: the projected view of a profile, then the site's pages and indexes."""
