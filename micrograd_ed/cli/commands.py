"""The `micrograd-ed` command line: the demo, graphs of expressions, training runs, gradcheck.

    micrograd-ed demo [--out DIR]
    micrograd-ed graph EXPR --set a=2 b=-3 [-o out.svg] [--no-backward] [--format svg|dot|png|pdf]
                     [--theme notebook|slide|print]
    micrograd-ed graph EXPR --set a=2 b=-3 --steps [-o chain.html | -o chain.pdf | -o chain.tex]
    micrograd-ed train TASK [--epochs N] [--lr LR] [--hidden 16,16] [--json] ...
    micrograd-ed gradcheck
    micrograd-ed worksheet --level 1..5 [--seed N] [--out DIR|FILE.tex|FILE.pdf] [--paper a4]

Exit codes: 0 success, 2 bad usage, 1 failure. An error is one line on
stderr; ``--debug`` adds the Python traceback. Nothing in the library imports
this module: it only calls the library's public functions.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import keyword
import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from micrograd_ed import __version__
from micrograd_ed.engine import ops

PROG = "micrograd-ed"
GRAPH_FORMATS = {"svg": ".svg", "dot": ".dot", "png": ".png", "pdf": ".pdf", "tex": ".tex"}
_SUFFIX_FORMAT = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".png": "png", ".pdf": "pdf",
                  ".tex": "tex"}
GRAPH_THEMES = ("notebook", "slide", "print")  # micrograd_ed.viz.core.themes.THEMES


class UsageError(Exception):
    """The command line itself is wrong: exit code 2."""


class Failure(Exception):
    """The command could not do its job: exit code 1."""


# --------------------------------------------------------------- parsing
class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (what is wrong, and where to find help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if "required: EXPR" in message:
            message += ("; an EXPR that starts with '-' goes last, after '--': "
                        "graph --set a=2 -- '-a*3'")
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _int_at_least(low: int):
    """An argparse type: a whole number >= low."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if n < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {n}")
        return n
    return parse


_positive_int = _int_at_least(1)
_seed = _int_at_least(0)


def _positive_float(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(x) and x > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return x


def _widths(text: str) -> tuple[int, ...]:
    """'16,16' -> (16, 16); '' or 'none' -> () (no hidden layer)."""
    if text.strip().lower() in ("", "none", "0"):
        return ()
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected layer widths separated by commas, like 16,16; got {text!r}") from None
    if any(w < 1 for w in widths):
        raise argparse.ArgumentTypeError(f"every width must be at least 1, got {text!r}")
    return widths


def _assignment(text: str) -> tuple[str, float]:
    """'a=2' -> ('a', 2.0), with a message that says what is wrong otherwise."""
    from micrograd_ed.teach.expr import FUNCTIONS, normalise

    name, eq, value = _utf8_text(text).partition("=")
    name, value = normalise(name.strip()), value.strip()
    if not eq:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not NAME=NUMBER, e.g. a=2 (if it is the expression, put it "
            f"before --set)")
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise argparse.ArgumentTypeError(
            f"{name!r} in {text!r} is not a variable name (letters, digits and _, "
            f"not starting with a digit or _)")
    if name in FUNCTIONS:
        raise argparse.ArgumentTypeError(f"{name!r} in {text!r} is a function, not a variable")
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the value of {name} in {text!r} is not a number: {value!r}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"the value of {name} must be finite, got {value!r}")
    return name, x


def build_parser() -> argparse.ArgumentParser:
    from micrograd_ed.nn import ACTIVATIONS
    from micrograd_ed.training.tasks import TASKS

    debug = _Parser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="on an error, show the Python traceback")
    parser = _Parser(prog=PROG, parents=[debug],
                     description="micrograd_ed: a scalar autograd engine with graph pictures, "
                                 "for teaching backpropagation.",
                     epilog=f"Run '{PROG} COMMAND --help' for the options of a command. "
                            "Exit codes: 0 ok, 2 bad usage, 1 failure.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "demo", parents=[debug], help="train the XOR network and draw it (what `make demo` runs)",
        description="Train the XOR 2-2-1 sigmoid network with a progress bar, print its loss "
                    "curve and predictions, and write three SVG figures: the graph of one "
                    "training example (value and gradient on every edge, boxed by neuron), "
                    "the network view and the loss curve. No system Graphviz needed.")
    p.add_argument("--out", metavar="DIR", type=Path, default=Path("micrograd_ed_demo"),
                   help="folder for the figures, created if missing "
                        "(default: ./micrograd_ed_demo/)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed of the weights (default 0)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser(
        "graph", parents=[debug], help="draw the graph of an arithmetic expression",
        description="Build EXPR as a graph of Values, run backward, and draw it with the value "
                    "and gradient on every edge. EXPR may use variables (given by --set), "
                    "numbers, + - * / **, unary minus, and "
                    f"{', '.join(ops.expression_functions())} (the op table's functions). "
                    "It is parsed, never run as Python.",
        epilog="Example: micrograd-ed graph '(a*b + c) * f' --set a=2 b=-3 c=10 f=-2 "
               "-o chain.svg.  An EXPR starting with '-' goes after '--': "
               "micrograd-ed graph --set a=2 -- '-a*3'")
    p.add_argument("expr", metavar="EXPR", help="the expression, quoted: 'tanh(a*b + c)'")
    p.add_argument("--set", metavar="NAME=NUMBER", dest="assignments", nargs="+",
                   action="extend", type=_assignment, default=[],
                   help="values of the variables, e.g. --set a=2 b=-3")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the picture (missing folders are created); its suffix "
                        "(.svg, .dot, .png, .pdf, .tex) must match --format; '-' writes to "
                        "stdout "
                        "(default: graph.svg or graph.FORMAT)")
    p.add_argument("--format", choices=tuple(GRAPH_FORMATS),
                   help="svg (default), dot (the Graphviz source), png, pdf (vector) or tex "
                        "(a standalone TikZ picture for pdflatex)")
    p.add_argument("--theme", choices=GRAPH_THEMES, default="notebook",
                   help="notebook (default), slide (large type for a 16:9 slide) or print "
                        "(greyscale-safe: negative gradients dashed)")
    p.add_argument("--no-backward", action="store_true",
                   help="draw the forward pass only (gradients show as '?')")
    p.add_argument("--max-nodes", type=_positive_int, default=None, metavar="N",
                   help="refuse to draw more nodes than this (default 500; 200 with --steps)")
    p.add_argument("--steps", action="store_true",
                   help="write the backprop step-through instead: a self-contained player "
                        "(-o chain.html, the default steps.html) or slides, one page per step "
                        "(-o chain.pdf; -o chain.tex: a Beamer deck, one overlay per step)")
    p.set_defaults(run=cmd_graph)

    names = ", ".join(TASKS)
    p = sub.add_parser(
        "train", parents=[debug], help="train a network on a task (xor, moons, digits, ...)",
        description="Train a network on TASK with the task's defaults (chosen to succeed: "
                    "xor reaches 100% with the default seed), any of which the options "
                    "override. The progress bar goes to stderr. Tasks: "
                    + "; ".join(f"{t.name}: {t.summary}" for t in TASKS.values()) + ".",
        epilog="Example: micrograd-ed train moons --hidden 8,8 --epochs 100 --json")
    p.add_argument("task", metavar="TASK", choices=tuple(TASKS), help=f"one of: {names}")
    p.add_argument("--epochs", type=_positive_int, help="passes over the training data")
    p.add_argument("--batch-size", type=_positive_int,
                   help="examples per gradient step (default: the task's; full batch for "
                        "the logic gates)")
    p.add_argument("--lr", type=_positive_float, help="learning rate")
    p.add_argument("--hidden", type=_widths, metavar="W1,W2,...",
                   help="hidden layer widths, e.g. 16,16 ('none' for no hidden layer)")
    p.add_argument("--activation", choices=ACTIVATIONS, help="of the hidden layers")
    p.add_argument("--seed", type=_seed, default=0,
                   help="seed of the weights, the data and the batch order (default 0)")
    p.add_argument("--save", metavar="FILE",
                   help="write the trained model as JSON (load it with MLP.load; missing "
                        "folders are created)")
    p.add_argument("--json", action="store_true",
                   help="end the output with one line of JSON: task, epochs, train_accuracy, "
                        "test_accuracy, seconds, parameters")
    p.add_argument("--animate", metavar="FILE", type=Path,
                   help="record the run and write the training player: FILE.html (a page "
                        "to scrub through), .gif (a few seconds), .pdf (a page per frame); "
                        "missing folders are created")
    p.add_argument("--record-every", type=_positive_int, metavar="N",
                   help="with --animate, a frame every N epochs (default: about 60 frames)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser(
        "gradcheck", parents=[debug], help="check every op's gradient against finite differences",
        description="Compare backprop's gradient of every engine op with central differences, "
                    "at ordinary points and near the awkward ones (relu and abs either side "
                    "of 0, log and sqrt just above 0, negative bases, flat tanh/sigmoid "
                    "tails), and print a table. Exit code 1 if any check fails.")
    p.add_argument("--eps", type=_positive_float, default=1e-6,
                   help="finite-difference step (default 1e-6)")
    p.add_argument("--atol", type=_positive_float, default=1e-5,
                   help="absolute tolerance (default 1e-5)")
    p.add_argument("--rtol", type=_positive_float, default=1e-4,
                   help="relative tolerance (default 1e-4)")
    p.set_defaults(run=cmd_gradcheck)

    p = sub.add_parser(
        "worksheet", parents=[debug], help="write a backprop worksheet and its answer key",
        description="Write a backprop exercise: worksheet.svg (the graph with numbered blanks "
                    "to fill in), answers.svg (the same, filled in), the handouts "
                    "worksheet.pdf/.tex and answers.pdf/.tex (A4 or Letter pages: name field, "
                    "instructions, the graph, room to work, answer boxes), and worksheet.json "
                    "(inputs, steps, blanks and "
                    "answers). Levels: 1 a chain of + and *; 2 fan-out and reuse; 3 tanh, "
                    "exp, log, sigmoid; 4 one neuron with a loss; 5 a 2-2-1 network. The same "
                    "level and seed give the same files.",
        epilog="Example: micrograd-ed worksheet --level 2 --seed 7 --out sheet7")
    p.add_argument("--level", type=_level, required=True, metavar="1..5",
                   help="1 chain, 2 reuse, 3 functions, 4 neuron + loss, 5 2-2-1 network")
    p.add_argument("--seed", type=_seed, default=0, help="which sheet of the level (default 0)")
    p.add_argument("--out", metavar="DIR|FILE.tex|FILE.pdf", type=Path,
                   default=Path("worksheet"),
                   help="folder for the files, created if missing (default: ./worksheet/); "
                        "or a .tex or .pdf file name: the handout there, its key beside it "
                        "(FILE-answers.tex)")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4",
                   help="paper size of the handouts (default a4)")
    p.set_defaults(run=cmd_worksheet)
    return parser


def _level(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a level 1 to 5, got {text!r}") from None
    if not 1 <= n <= 5:
        raise argparse.ArgumentTypeError(f"the level must be 1 to 5, got {n}")
    return n


# -------------------------------------------------------------- commands
def cmd_demo(args: argparse.Namespace) -> int:
    from micrograd_ed.cli import demo

    if args.out.exists() and not args.out.is_dir():
        raise Failure(f"--out {args.out} exists and is not a folder")
    demo.run(args.out, seed=args.seed, progress=not args.no_progress)
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from micrograd_ed.engine import topological_order
    from micrograd_ed.teach.expr import build, names
    from micrograd_ed.viz import GraphTooLargeError, LayoutTimeoutError, draw_graph

    values = _values(args.assignments)
    args.expr = _utf8_text(args.expr)
    if args.steps:
        out, fmt = _steps_output(args.output, args.format), "steps"
    else:
        out, fmt = _graph_output(args.output, args.format)
    if out is not None:
        _check_writable(out, "-o")
    root = build(args.expr, values)
    used = names(args.expr)
    unused = [n for n in values if n not in used]
    if unused:
        print(f"{PROG} graph: note: --set {', '.join(unused)} not used in {args.expr!r}",
              file=sys.stderr)
    if root.op and not root.label:
        root.label = _result_name(values)
    if not args.no_backward:
        root.backward()
    if args.steps:
        _write_steps(root, out, args.max_nodes or 200)
        _report(root, values, used, args.no_backward, out, sys.stdout)
        return 0
    args.max_nodes = args.max_nodes or 500
    title = f"{root.label} = {' '.join(args.expr.split())}" if root.op else None
    try:
        diagram = draw_graph(root, title=title, max_nodes=args.max_nodes, theme=args.theme)
    except GraphTooLargeError:
        nodes = topological_order(root)
        ops = sum(1 for v in nodes if v.op)
        count = len(nodes) + ops            # each op is drawn as a node of its own
        raise Failure(f"the graph has {count} nodes to draw ({len(nodes)} values, {ops} ops), "
                      f"more than --max-nodes {args.max_nodes}: too big to read. Draw a "
                      f"smaller expression, or pass --max-nodes {count}") from None
    try:
        if out is None:
            _write_stdout(diagram, fmt)
        else:
            _make_folders(out, "-o")
            diagram.save(out)
    except LayoutTimeoutError as e:          # its advice names draw_graph's options: say ours
        took = str(e).split(":", 1)[0]
        raise Failure(f"{took}: the graph has {len(topological_order(root))} values. Draw a "
                      "smaller expression, or write the DOT text (-o graph.dot) and lay it out "
                      "with another tool") from None
    _report(root, values, used, args.no_backward, out, sys.stdout if out else sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from micrograd_ed.training import tasks

    task = tasks.get(args.task)
    tasks.require_extra(task)
    if args.save is not None:
        _check_writable(args.save, "--save")
    record = _animate_plan(task, args)
    model, history, result = tasks.run(
        task.name, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
        hidden=args.hidden, activation=args.activation, seed=args.seed,
        progress=not args.no_progress, record=record)
    print(_train_summary(task, model, history, result, args))
    hint = _no_progress_hint(task, history, args)
    if hint:
        print(f"{PROG} train: note: {hint}", file=sys.stderr)
    if args.animate is not None:
        from micrograd_ed.cli import animate

        _make_folders(args.animate, "--animate")
        player = animate.write(history, args.animate, task=task.name)
        print(f"wrote the training player to {args.animate} ({len(player.frames)} frames, "
              f"epochs {player.epochs[0]} to {player.epochs[-1]})")
    if args.save is not None:
        _make_folders(args.save, "--save")
        model.save(args.save)
        print(f"saved the model to {args.save} (load it with "
              f"micrograd_ed.nn.MLP.load({str(args.save)!r}))")
    if args.json:
        doc = {k: _json_number(v) for k, v in result.as_dict().items()}
        print(json.dumps(doc, allow_nan=False))
    return 0


def _animate_plan(task, args: argparse.Namespace) -> int | None:
    """How often to record for --animate (None without it); checks FILE before training."""
    if args.animate is None:
        if args.record_every is not None:
            raise UsageError("--record-every needs --animate FILE")
        return None
    from micrograd_ed.cli import animate

    try:
        animate.check_suffix(args.animate)
    except ValueError as e:
        raise UsageError(str(e)) from None
    _check_writable(args.animate, "--animate")
    return animate.record_every(args.epochs or task.epochs, args.record_every)


def cmd_gradcheck(args: argparse.Namespace) -> int:
    from micrograd_ed.teach.op_checks import run_all, table

    rows = run_all(eps=args.eps, atol=args.atol, rtol=args.rtol)
    print(table(rows))
    failed = [r for r in rows if not r.ok]
    if failed:
        first = failed[0].case
        raise Failure(f"{len(failed)} of {len(rows)} gradient checks failed "
                      f"(first: {first.op}, {first.formula})")
    return 0


def cmd_worksheet(args: argparse.Namespace) -> int:
    from micrograd_ed.teach.worksheet import make_worksheet, pdf_supported

    handout = args.out.suffix.lower() in (".tex", ".pdf") and not args.out.is_dir()
    if args.out.exists() and not args.out.is_dir() and not handout:
        raise Failure(f"--out {args.out} exists and is not a folder")
    sheet = make_worksheet(args.level, args.seed)
    paths = sheet.save(args.out, args.paper)
    print(f"worksheet level {sheet.level}, seed {sheet.seed}: {len(sheet.steps)} steps, "
          f"{len(sheet.blanks)} blanks")
    print("wrote " + ", ".join(str(p) for p in paths))
    if not pdf_supported():
        print("(no PDF: this renderer cannot write PDF yet)")
    return 0


# --------------------------------------------------------------- helpers
def _values(assignments: Sequence[tuple[str, float]]) -> dict[str, float]:
    values: dict[str, float] = {}
    for name, x in assignments:
        if name in values and values[name] != x:
            raise UsageError(f"--set gives {name} twice ({values[name]:g} and {x:g})")
        values[name] = x
    return values


def _result_name(values: dict[str, float]) -> str:
    """A name for the result that no variable has: f, out, result, then f2, f3, ..."""
    candidates = itertools.chain(("f", "out", "result"), (f"f{k}" for k in itertools.count(2)))
    return next(n for n in candidates if n not in values)


def _graph_output(output: str | None, fmt: str | None) -> tuple[Path | None, str]:
    """The file to write (None for stdout) and its format, from -o and --format."""
    if output is None:
        fmt = fmt or "svg"
        return Path(f"graph{GRAPH_FORMATS[fmt]}"), fmt
    if output == "-":
        fmt = fmt or "svg"
        if fmt in ("png", "pdf"):
            raise UsageError(f"-o - writes text to stdout: use --format svg or dot, or a .{fmt} "
                             "file name")
        return None, fmt
    if output.endswith(("/", os.sep)):      # Path() would drop the slash
        raise UsageError(f"-o {output} ends in '/', so it names a folder; give a file name")
    path = Path(output)
    from_suffix = _SUFFIX_FORMAT.get(path.suffix.lower())
    if from_suffix is None:
        want = GRAPH_FORMATS[fmt] if fmt else ".svg, .dot, .png, .pdf or .tex"
        raise UsageError(f"-o {output}: the file name must end in {want}")
    if fmt is not None and fmt != from_suffix:
        raise UsageError(f"-o {output} is a .{from_suffix} file name but --format is {fmt}")
    return path, from_suffix


def _steps_output(output: str | None, fmt: str | None) -> Path:
    """The file for --steps: .html (the player, default steps.html) or .pdf (slides)."""
    if fmt is not None:
        raise UsageError(f"--steps writes .html or .pdf (by the -o suffix); --format {fmt} "
                         "is for pictures")
    if output is None:
        return Path("steps.html")
    if output == "-" or output.endswith(("/", os.sep)):
        raise UsageError(f"-o {output}: --steps writes a file; give a name ending in .html "
                         "or .pdf")
    path = Path(output)
    if path.suffix.lower() not in (".html", ".htm", ".pdf", ".tex"):
        raise UsageError(f"-o {output}: with --steps the file name must end in .html (the "
                         "player), .pdf (slides) or .tex (a Beamer deck)")
    return path


def _write_steps(root, out: Path, max_nodes: int) -> None:
    from micrograd_ed.viz import GraphTooLargeError, step_through

    try:
        steps = step_through(root, max_nodes=max_nodes)
    except GraphTooLargeError as e:
        raise Failure(str(e).replace("max_nodes=", "--max-nodes ")) from None
    _make_folders(out, "-o")
    steps.save(out)
    what = {".pdf": "slides, one page per step",
            ".tex": "a Beamer deck, one overlay per step: pdflatex it"}.get(
        out.suffix.lower(), "open it in a browser: arrow keys step, Space plays")
    print(f"{len(steps)} steps through {root.label or 'the result'} ({what})")


def _check_writable(path: str | Path, option: str) -> None:
    """Fail before any work when `path` cannot be written (the write itself is atomic).

    The file written is the one `path` resolves to (through symlinks), as
    :func:`micrograd_ed.files.atomic.write_atomic` writes it. Missing folders on the way are
    created when the file is written (:func:`_make_folders`, as `demo --out` does); here
    the nearest one that exists must be a folder we may write in.
    """
    from micrograd_ed.files.atomic import NotARegularFileError, resolve_target

    if Path(path).is_dir():
        raise Failure(f"cannot write {option} {path}: it is a folder; give a file name")
    try:
        real = resolve_target(path)     # the text as given: 'out/' names a folder
    except FileNotFoundError:           # its folder does not exist yet
        _check_creatable(path, option)
        return
    except (NotARegularFileError, OSError) as e:
        raise Failure(f"{option} {' '.join((e.strerror or str(e)).split())}") from None
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise Failure(f"cannot write {option} {path}: no permission to write in {real.parent}")
    if real.exists() and not os.access(real, os.W_OK):
        raise Failure(f"cannot write {option} {path}: the file is read-only")


def _check_creatable(path: str | Path, option: str) -> None:
    """The missing folders of `path` can be made: the nearest existing one is a writable folder."""
    existing = Path(os.path.realpath(path)).parent
    while not os.path.lexists(existing):
        existing = existing.parent
    if not existing.is_dir():
        raise Failure(f"cannot write {option} {path}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise Failure(f"cannot write {option} {path}: no permission to write in {existing}")


def _make_folders(path: str | Path, option: str) -> None:
    """Create the missing folders of `path` (as mkdir -p, with the user's umask)."""
    try:
        Path(os.path.realpath(path)).parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise Failure(f"cannot make the folder for {option} {path}: "
                      f"{e.strerror or e}") from None


def _write_stdout(diagram, fmt: str) -> None:
    """The picture on stdout in its own encoding (UTF-8), whatever the terminal's is."""
    text = (diagram.source if fmt == "dot" else diagram.tex() if fmt == "tex" else
            diagram.svg())
    text = text if text.endswith("\n") else text + "\n"
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:              # a text-only stream (a test's StringIO)
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def _report(root, values: dict[str, float], used: list[str], forward_only: bool,
            out: Path | None, stream) -> None:
    """The result and each variable's gradient, then where the picture went."""
    name = root.label or "f"
    print(f"{name} = {root.data:.6g}", file=stream)
    if forward_only:
        print("  (forward only: --no-backward)", file=stream)
    elif root.op:
        grads = "   ".join(f"d{name}/d{v} = {_leaf(root, v).grad:.6g}" for v in used)
        if grads:
            print(f"  {grads}", file=stream)
    if out is not None:
        print(f"wrote {out}", file=stream)


def _leaf(root, name: str):
    from micrograd_ed.engine import topological_order

    return next(v for v in topological_order(root) if not v.op and v.label == name)


def _train_summary(task, model, history, result, args) -> str:
    sizes = "-".join(str(n) for n in [model.nin, *model.sizes])
    opt = "SGD" if task.optimizer == "sgd" else "Adam"
    lr = _learning_rate(task, args)
    batch = args.batch_size or task.batch_size
    acts = f"{model.output_activation} output"
    if len(model.sizes) > 1:
        acts = f"{model.activation} hidden, {acts}"
    test = ("-" if result.test_accuracy is None else f"{result.test_accuracy:.1%}")
    epochs = f"{result.epochs} epoch{'s' if result.epochs != 1 else ''}"
    return "\n".join([
        f"task {task.name}: {task.summary}",
        f"network MLP {sizes} ({acts}), "
        f"{result.parameters:,} parameters; {opt} lr {lr:g}, "
        f"{'full batch' if batch is None else f'batches of {batch}'}, loss {task.loss}",
        f"after {epochs} ({result.seconds:.1f} s): loss {history.loss[-1]:.4g}, "
        f"train accuracy {result.train_accuracy:.1%}, test accuracy {test}",
    ])


def _learning_rate(task, args) -> float:
    """The learning rate the run used: --lr, else the task's default."""
    return args.lr if args.lr is not None else task.lr


def _no_progress_hint(task, history, args) -> str | None:
    """What to try when the loss of the last epoch is no lower than the first epoch's (a
    learning rate too large sends it up and keeps it there without an inf or a NaN)."""
    losses = history.loss
    if len(losses) < 2 or not losses[-1] >= losses[0]:
        return None
    lr = _learning_rate(task, args)
    went = "went up" if losses[-1] > losses[0] else "did not go down"
    what = (f"the learning rate {lr:g} is probably too large (this task's default is "
            f"{task.lr:g})" if lr > task.lr else "try a smaller --lr or another --seed")
    return (f"the loss {went}, from {losses[0]:.4g} in epoch 1 to {losses[-1]:.4g} in epoch "
            f"{len(losses)}: {what}")


def _json_number(v):
    return None if isinstance(v, float) and not math.isfinite(v) else v


# ----------------------------------------------------------------- main
def _error_line(command: str | None, e: BaseException) -> str:
    where = f"{PROG} {command}" if command else PROG
    msg = " ".join(str(e).split())
    if isinstance(e, OSError) and e.strerror:     # no "[Errno 28]": the message says it
        msg = f"{e.filename}: {e.strerror}" if e.filename is not None else e.strerror
    expected = (Failure, UsageError, ValueError, OSError, RuntimeError, ArithmeticError,
                TypeError)
    if not isinstance(e, expected):
        msg = (f"unexpected {type(e).__name__}: {msg or '(no message)'} "
               f"(run again with --debug to see the traceback)")
    return f"{where}: error: {msg or type(e).__name__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 2 bad usage, 1 failure)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:     # --help, --version, or a usage error already printed
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    debug = getattr(args, "debug", False)
    run: Callable[[argparse.Namespace], int] = args.run
    if sys.stderr is None:      # started with stderr closed (`2>&-`): errors and the bar
        sys.stderr = open(os.devnull, "w")   # go nowhere (never to stdout); the exit code stays
    if sys.stdout is None:      # started with stdout closed (`>&-`): say so, do nothing
        print(f"{PROG} {args.command}: error: stdout is closed; nothing was done "
              f"(redirect it instead, e.g. > /dev/null)", file=sys.stderr)
        return 1
    if isinstance(sys.stdout, io.TextIOWrapper):    # e.g. an ASCII terminal: \xe9, not a crash
        sys.stdout.reconfigure(errors="backslashreplace")
    start = time.perf_counter()
    try:
        code = run(args)
        sys.stdout.flush()      # a full disk or a closed pipe shows here, not at exit
        return code
    except KeyboardInterrupt:
        print(f"\n{PROG} {args.command}: interrupted after "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
        return 130
    except BrokenPipeError:     # e.g. piped into `head`: stop quietly
        _silence_stdout()
        return 1
    except Exception as e:
        if debug:
            traceback.print_exc()
        if _is_stdout_error(e):     # e.g. > /dev/full
            _silence_stdout()
            print(f"{PROG} {args.command}: error: cannot write to stdout: {e.strerror}",
                  file=sys.stderr)
            return 1
        print(_error_line(args.command, e), file=sys.stderr)
        return 2 if isinstance(e, UsageError) else 1


def _utf8_text(arg: str) -> str:
    """An argument that is text (not a file name) as UTF-8, even under a C locale.

    Python decodes argv with the locale's encoding and keeps undecodable bytes as
    surrogates ('\\udcc3\\udca9' for 'é' under LC_ALL=C); terminals send UTF-8.
    """
    if any("\udc80" <= ch <= "\udcff" for ch in arg):
        with contextlib.suppress(UnicodeError):
            return os.fsencode(arg).decode("utf-8")
    return arg


def _is_stdout_error(e: BaseException) -> bool:
    """An OSError of a bare write (no file name, the system's own message): stdout's."""
    return (isinstance(e, OSError) and e.filename is None and len(e.args) == 2
            and e.errno is not None and e.args[1] == os.strerror(e.errno))


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail a second time."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
