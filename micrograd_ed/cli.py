"""The `micrograd-ed` command line (for now: the worked example)."""

from __future__ import annotations

import argparse
import sys

from micrograd_ed import worked_example


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="micrograd-ed", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="print the chain-rule example node by node")
    args = parser.parse_args(argv)
    if args.command == "demo":
        worked_example.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
