"""Saved careers: the format, a crash-safe store, and careers played again from their saves.

`format` is a career as JSON, checked field by field on the way in; `files` writes a file so a
crash leaves the old one or the new; `store` keeps careers in a locked folder on TinyDB;
`record` turns a playing Session into a Career and back; `replay` re-executes one step by step;
`autosave` writes in the background. Above play, beside the author tools, below the front ends.
"""
