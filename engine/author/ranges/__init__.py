"""Stat ranges proven over every path: the domain (`domain`), its fixpoint over a story
(`solve`), the warnings it proves (`warnings`: W111-W114) and the bounds as a report (`report`)."""
