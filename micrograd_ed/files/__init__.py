"""Files: every file micrograd_ed writes, and the model files it reads back.

    atomic.py   write_atomic: whole or not at all, through links, with the user's umask
    models.py   model files: JSON written atomically, read back with every field checked
"""

from micrograd_ed.files.atomic import NotARegularFileError, resolve_target, write_atomic

__all__ = ["NotARegularFileError", "resolve_target", "write_atomic"]
