"""Many seeded careers through the game's own Session: the run and its report (`run`), the
coverage-guided explorer (`explore`, `distance`), and what a report means (`summary`)."""
