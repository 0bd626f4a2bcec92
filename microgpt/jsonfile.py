"""JSON files that are never half-written and that say clearly why they cannot be read (checkpoints, runs)."""

import json
import math
import os
import tempfile


def write_json(path, doc, prefix):
    """Write `doc` to a temporary file first, then rename it over `path`: an interrupted save never
    leaves a half-written file where a good one was. Floats use Python's repr, so they load back bit for bit."""
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{prefix}-", suffix=".tmp", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; ours are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def read_json(path, what, error):
    """The JSON document at `path`; any problem raises `error` (a ValueError class) naming `what` it should be."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise error(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise error(f"{what} path is a directory, not a file: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise error(f"{what} {path} is corrupt or truncated (not valid JSON: {e})") from None
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror}") from None


def is_finite(x):
    """A real number, not a bool, not inf or nan: what a loss or a weight may be."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
