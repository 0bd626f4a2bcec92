"""Documents: one per line of a UTF-8 text file. The default dataset ships inside the package."""

import hashlib
import io
import os
import shutil
import tempfile
import urllib.request
from importlib import resources

EMBEDDED_NAMES = "names.txt"  # in microgpt/assets/, made by scripts/build_embedded_names.py
EMBEDDED_NAMES_SHA256 = "3b20b43df36ec7ee9c90f8ea2c6f1a5310ad2a8608b06f5208edbbf544f26c35"
EMBEDDED_WORDS = "words.txt"  # in microgpt/assets/, made by scripts/build_embedded_words.py
EMBEDDED_WORDS_SHA256 = "a78e42afd68de09d4c4f2575b1f4efe22bd2d8be3b8aac400a4bd64a8b4c7605"

SEED_NAMES_URL = "https://raw.githubusercontent.com/karpathy/makemore/988aa59/names.txt"
SEED_NAMES_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"


def parse_docs(text):
    """One document per line, stripped; blank lines are dropped.

    Lines end at \\n, \\r\\n or \\r, as when the seed reads a text file (str.splitlines would also
    split at form feeds and Unicode line separators).
    """
    return [line.strip() for line in io.StringIO(text, newline=None) if line.strip()]


def load_docs(path):
    """The documents in the UTF-8 text file at `path`, one per non-blank line."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise ValueError(f"data file not found: {path}") from None
    except IsADirectoryError:
        raise ValueError(f"data path is a directory, not a file: {path}") from None
    except OSError as e:
        raise ValueError(f"cannot read data file {path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"data file {path} is not UTF-8 text (bad byte at offset {e.start})") from None
    docs = parse_docs(text)
    if not docs:
        raise ValueError(f"data file {path} has no documents: every line is blank")
    return docs


def embedded_path(filename):
    """Path of a dataset that ships inside the package (EMBEDDED_NAMES or EMBEDDED_WORDS)."""
    return str(resources.files("microgpt") / "assets" / filename)


def embedded_names_path():
    return embedded_path(EMBEDDED_NAMES)


def load_names():
    """The embedded dataset: ~30,000 US first names (SSA, births of 2017), most popular first."""
    return load_docs(embedded_names_path())


def load_words():
    """The second embedded dataset: the 10,000 most frequent English words of the letters a-z (wordfreq)."""
    return load_docs(embedded_path(EMBEDDED_WORDS))


def docs_sha256(docs):
    """A fingerprint of a list of documents, in order: the sha256 of the file that holds them, one per line.

    For a file without blank lines or stray spaces this is the file's own sha256.
    """
    return hashlib.sha256("".join(doc + "\n" for doc in docs).encode("utf-8")).hexdigest()


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def download_seed_names(cache_dir=None, timeout=30):
    """The seed's own names.txt (32,033 names), downloaded once on request and cached.

    Opt-in only: nothing in the package calls this by itself. The file's sha256 is checked, so a
    changed or damaged download is refused rather than silently trained on. A download that stalls
    for `timeout` seconds, fails or is refused leaves no file behind. Returns the path.
    """
    cache_dir = cache_dir or os.path.join(os.path.expanduser("~"), ".cache", "microgpt")
    path = os.path.join(cache_dir, "seed_names.txt")
    if os.path.exists(path) and sha256_of(path) == SEED_NAMES_SHA256:
        return path
    os.makedirs(cache_dir, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".seed_names-", suffix=".part", dir=cache_dir)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(SEED_NAMES_URL, timeout=timeout) as response:
            shutil.copyfileobj(response, out)
        digest = sha256_of(partial)
        if digest != SEED_NAMES_SHA256:
            raise ValueError(f"downloaded names.txt has sha256 {digest}, expected {SEED_NAMES_SHA256}")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return path
