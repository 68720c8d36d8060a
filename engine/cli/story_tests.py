"""`main.py test STORY`: run the story's own tests and say what failed, where it is written.

Problems in a test file come first (like `check`, root causes first: a file that does not
read runs nothing), then each failed expectation as `file:line:col: case: expected ..., found
...`, then one summary line. Exit codes: 0 every test passed, 1 a failure or a bad test file
(or a story with errors), 2 no such story.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from engine.author.storytest.run import run_story_tests
from engine.cli.common import usable
from engine.load.folder import TESTS_DIR, display_path, find_story


def run(args: argparse.Namespace, out: TextIO) -> int:
    story = usable(args, "tested", out)
    if isinstance(story, int):
        return story
    folder = find_story(args.story)
    outcome = run_story_tests(story, folder, display_path(folder))
    for problem in outcome.problems:
        out.write(problem.format() + "\n")
    for failure in outcome.failures:
        out.write(failure.format() + "\n")
    if outcome.files == 0:
        out.write(f"{story.title}: no tests (write them in {display_path(folder)}/{TESTS_DIR}/*.yaml)\n")
        return 0
    failed = len({(f.file, f.case) for f in outcome.failures})
    bad = sum(p.is_error for p in outcome.problems)
    files = f"{outcome.files} file{'s' * (outcome.files != 1)}"
    line = f"{story.title}: {outcome.cases} test{'s' * (outcome.cases != 1)} in {files}"
    if failed:
        line += f", {failed} failed, {outcome.cases - failed} passed"
    elif outcome.cases:
        line += ", all passed"
    if bad:
        line += f"; {bad} problem{'s' * (bad != 1)} in the test files (a file with problems runs nothing)"
    out.write(line + "\n")
    return 0 if outcome.ok else 1
