"""scripts/classroom_links.py: the Binder and nbgitpuller links, parsed back, say what they should and are encoded."""

import re
import runpy
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .seed_runner import ROOT

links = runpy.run_path(str(ROOT / "scripts" / "classroom_links.py"))
BRANCHES = ["main", "feature/week-1&2"]  # a slash and an ampersand in a branch must survive encoding


def query(link):
    """The link's query as {name: value}, each name once."""
    parsed = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values())
    return {name: values[0] for name, values in parsed.items()}


def test_the_first_notebook_the_links_open_exists():
    assert (ROOT / links["FIRST_NOTEBOOK"]).is_file()


@pytest.mark.parametrize("branch", BRANCHES)
def test_the_binder_link_builds_the_repository_at_the_branch_and_opens_the_first_notebook_in_jupyterlab(branch):
    link = links["binder_link"]("some-one/microgpt.notebooks", branch)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "mybinder.org")
    assert [unquote(p) for p in parts.path.split("/")] == ["", "v2", "gh", "some-one", "microgpt.notebooks", branch]
    assert query(link) == {"urlpath": "lab/tree/notebooks/00_welcome.ipynb"}
    assert "/" not in parts.query and " " not in link  # every value encoded


def test_the_badge_is_markdown_for_an_image_that_links_to_binder():
    badge = links["binder_badge"]("owner/name", "main")
    image, target = re.fullmatch(r"\[!\[Binder\]\((\S+)\)\]\((\S+)\)", badge).groups()
    assert image == "https://mybinder.org/badge_logo.svg"
    assert target == links["binder_link"]("owner/name", "main")


@pytest.mark.parametrize("hub", ["https://hub.example.org", "https://example.org/jupyter/"])
@pytest.mark.parametrize("branch", BRANCHES)
def test_the_nbgitpuller_link_clones_the_repository_and_opens_the_first_notebook_of_the_clone(hub, branch):
    link = links["nbgitpuller_link"](hub, "owner/microgpt-notebooks", branch)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == hub.rstrip("/") + "/hub/user-redirect/git-pull"
    assert query(link) == {"repo": "https://github.com/owner/microgpt-notebooks", "branch": branch,
                           "urlpath": "lab/tree/microgpt-notebooks/notebooks/00_welcome.ipynb"}
    assert re.fullmatch(r"[A-Za-z0-9=&%._+-]+", parts.query)  # no raw / : ? or space in a value


def test_the_command_prints_the_badge_and_both_links(capsys):
    links["main"](["--repo", "owner/name", "--hub", "https://hub.example.org"])
    out = capsys.readouterr().out
    assert links["binder_badge"]("owner/name", "main") in out
    assert links["nbgitpuller_link"]("https://hub.example.org", "owner/name", "main") in out


@pytest.mark.parametrize("argv, complaint", [
    (["--repo", "microgpt"], "not a GitHub repository"),
    (["--repo", "https://github.com/owner/name"], "not a GitHub repository"),
    (["--repo", "owner/name", "--hub", "hub.example.org"], "not a hub's address"),
    (["--repo", "owner/name", "--branch", "two words"], "not a branch name"),
])
def test_bad_input_gets_a_clear_error(argv, complaint, capsys):
    with pytest.raises(SystemExit) as stopped:
        links["main"](argv)
    assert stopped.value.code == 2
    assert complaint in capsys.readouterr().err
