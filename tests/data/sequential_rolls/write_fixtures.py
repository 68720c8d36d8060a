"""Writes the sequential-rolls fixtures with the engine as it was at 9def0ae (run from a checkout of it)."""
import json, sys
from pathlib import Path
from engine.author.check import load_checked
from engine.play.session import Session
from engine.saves.record import Recorder

out = Path(sys.argv[1])
story = load_checked(out / "rules", cache=False).story
PATH = ["roll", "roll", "add", "roll", "detour_resume", "deeper", "continue", "back", "roll", "fair_down",
        "roll", "roll", "detour_resume", "back", "roll", "fair_up", "roll", "roll", "add", "roll", "roll"]

def dump(name, data):
    (out / name).write_text(json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n")

for seed in (7, 2026):
    s = Session(story, seed)
    rec = Recorder(s, career_id=f"{seed:016x}", created="2026-12-07T00:00:00.000+00:00")
    for cid in PATH:
        s.choose(cid)
    # peek then undo, as a player could: the save holds only what was kept
    s.choose("roll"); s.undo()
    c = rec.career(autosave=True).to_json()
    c["updated"] = c["created"]
    dump(f"career-seed{seed}.json", c)
    dump(f"snapshot-seed{seed}.json", s.snapshot())
    fast = Session(story, seed, history=False)
    for cid in PATH:
        fast.advance(cid)
    dump(f"snapshot-seed{seed}-no-undo.json", fast.snapshot())
    print(seed, [st.roll.roll for st in s.journal if st.roll], s.state.rng)
