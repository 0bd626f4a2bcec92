"""Data: reading documents like the seed does, clear errors for bad files, the embedded dataset,
and the opt-in download of the seed's names (tested with a fake download: no network)."""

import hashlib
import io
import re
import string
import urllib.request

import pytest
from . import seed_runner

from microgpt import data


def write(tmp_path, content, name="docs.txt"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def test_lines_are_stripped_and_blank_lines_dropped(tmp_path):
    path = write(tmp_path, "  emma \n\n\t\nliam\r\n   \nolivia")
    assert data.load_docs(path) == ["emma", "liam", "olivia"]


def test_non_ascii_utf8_text_is_read(tmp_path):
    assert data.load_docs(write(tmp_path, "zoë\nјосип\n李\n")) == ["zoë", "јосип", "李"]


def test_lines_end_where_the_seed_text_file_lines_end():
    # The seed iterates over open(...): lines end at \n, \r\n or \r only. Form feeds, vertical tabs
    # and Unicode line separators inside a line stay in it (str.splitlines would split there).
    text = "a\x0cb\nc\x0bd\r\ne\u2028f\rg\x85h\x1ci\n"
    assert data.parse_docs(text) == ["a\x0cb", "c\x0bd", "e\u2028f", "g\x85h\x1ci"]


@pytest.mark.parametrize("content, message", [
    (b"", "no documents"),
    (b"  \n\n\t\n \r\n", "no documents"),
    (b"emma\n\xff\xfeliam\n", "not UTF-8 text"),
])
def test_bad_files_raise_a_clear_value_error(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match=message) as err:
        data.load_docs(path)
    assert path in str(err.value)


def test_missing_file_and_directory_raise_a_clear_value_error(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        data.load_docs(str(tmp_path / "nope.txt"))
    with pytest.raises(ValueError, match="is a directory"):
        data.load_docs(str(tmp_path))


def test_embedded_names_are_the_recorded_file():
    path = data.embedded_names_path()
    assert data.sha256_of(path) == data.EMBEDDED_NAMES_SHA256
    names = data.load_names()
    assert len(names) == 29_910
    assert len(set(names)) == len(names)
    assert set("".join(names)) == set(string.ascii_lowercase)
    assert all(re.fullmatch("[a-z]+", name) for name in names)


def test_embedded_words_are_the_recorded_file():
    path = data.embedded_path(data.EMBEDDED_WORDS)
    assert data.sha256_of(path) == data.EMBEDDED_WORDS_SHA256
    words = data.load_words()
    assert len(words) == 10_000 and len(set(words)) == len(words)
    assert words[:3] == ["the", "to", "and"]  # most frequent first
    assert all(re.fullmatch("[a-z]+", word) for word in words)


def test_the_fingerprint_of_documents_is_the_sha256_of_their_file():
    assert data.docs_sha256(data.load_names()) == data.EMBEDDED_NAMES_SHA256
    assert data.docs_sha256(data.load_words()) == data.EMBEDDED_WORDS_SHA256
    assert data.docs_sha256(["ab", "c"]) != data.docs_sha256(["c", "ab"]) != data.docs_sha256(["abc"])


def test_loading_the_embedded_names_does_not_download(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert len(data.load_names()) == 29_910


class FakeDownload:
    """Stands in for urllib.request.urlopen: serves `content` (then, if `fail`, raises it), counts calls."""

    def __init__(self, content, fail=None):
        self.content, self.fail, self.calls = content, fail, []

    def __call__(self, url, timeout):
        self.calls.append((url, timeout))
        return self

    def __enter__(self):
        self.unread = io.BytesIO(self.content)
        return self

    def __exit__(self, *exc):
        return False

    def read(self, size=-1):
        chunk = self.unread.read(size)
        if not chunk and self.fail:
            raise self.fail  # e.g. the connection stalls after part of the file
        return chunk


@pytest.fixture
def fake_seed_names(monkeypatch):
    """Make `content` the expected download (its sha256 recorded), served by a FakeDownload."""
    def install(content, fail=None):
        fake = FakeDownload(content, fail)
        monkeypatch.setattr(urllib.request, "urlopen", fake)
        monkeypatch.setattr(data, "SEED_NAMES_SHA256", hashlib.sha256(content).hexdigest())
        return fake
    return install


def test_download_checks_the_sha256_and_caches(tmp_path, fake_seed_names):
    content = b"emma\nliam\n"
    fake = fake_seed_names(content)
    path = data.download_seed_names(cache_dir=str(tmp_path / "cache"))
    assert open(path, "rb").read() == content
    assert fake.calls == [(data.SEED_NAMES_URL, 30)]  # a stalled connection gives up after 30 s
    assert data.download_seed_names(cache_dir=str(tmp_path / "cache")) == path
    assert len(fake.calls) == 1  # the second call used the cache
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["seed_names.txt"]


def test_download_with_the_wrong_sha256_is_refused_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", FakeDownload(b"<html>not the names</html>"))
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="sha256"):
        data.download_seed_names(cache_dir=str(cache))
    assert list(cache.iterdir()) == []


def test_a_download_that_stalls_leaves_no_partial_file(tmp_path, fake_seed_names):
    fake_seed_names(b"emma\nliam\n", fail=TimeoutError("timed out"))
    with pytest.raises(TimeoutError):
        data.download_seed_names(cache_dir=str(tmp_path), timeout=1)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_cached_file_is_downloaded_again(tmp_path, fake_seed_names):
    content = b"emma\n"
    fake = fake_seed_names(content)
    (tmp_path / "seed_names.txt").write_bytes(b"emm")
    path = data.download_seed_names(cache_dir=str(tmp_path))
    assert len(fake.calls) == 1 and open(path, "rb").read() == content


@seed_runner.needs_shared
def test_download_url_and_sha256_are_the_seed_dataset():
    assert f"names_url = '{data.SEED_NAMES_URL}'" in seed_runner.SEED.read_text()
    assert data.sha256_of(seed_runner.SEED_NAMES) == data.SEED_NAMES_SHA256
