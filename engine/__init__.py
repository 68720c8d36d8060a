"""Pointe & Edge: a narrative game engine for the terminal.

The engine core (everything here but `engine.tui`) never imports Textual: the game is fully
playable and testable without a screen.
"""

__version__ = "0.1.0"
