"""Make README's picture of the training player: `train moons`, recorded, shown at one epoch.

    .venv/bin/python tools/player_frame.py diagrams/training_player.png [--epoch 12]

Trains the moons task (the defaults of ``micrograd-ed train moons``, a snapshot every
epoch), writes the player page to a temporary folder, opens it in headless Chromium at
1920 x 1080, steps to the epoch and saves a screenshot. A development aid: the package
never imports it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import WatchedPage, launch  # noqa: E402

from micrograd_ed.cli import animate  # noqa: E402
from micrograd_ed.training import tasks  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--epoch", type=int, default=12)
    ap.add_argument("--task", default="moons")
    args = ap.parse_args()
    task = tasks.get(args.task)
    _, history, _ = tasks.run(task.name, progress=False,
                              record=animate.record_every(task.epochs))
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "player.html"
        player = animate.write(history, page_file, task=task.name)
        k = player.epochs.index(args.epoch)
        with launch() as browser:
            watched = WatchedPage(browser)
            watched.page.goto(page_file.as_uri())
            watched.page.keyboard.press("Home")
            for _ in range(k):
                watched.page.keyboard.press("ArrowRight")
            watched.page.wait_for_timeout(200)
            print(watched.page.inner_text("#caption"))
            watched.page.screenshot(path=str(args.out))
            watched.assert_clean()
            watched.close()
    print(args.out)


if __name__ == "__main__":
    main()
