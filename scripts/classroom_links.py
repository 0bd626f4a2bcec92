"""Print the links that hand the course to a class, once the repository is public on GitHub.

    python scripts/classroom_links.py --repo OWNER/NAME [--branch main] [--hub https://hub.example.org]

- the Binder badge (Markdown, for the README) and its link: mybinder.org builds the repository from
  binder/ and opens notebooks/00_welcome.ipynb in JupyterLab;
- with --hub, the nbgitpuller link for that JupyterHub: each student who opens it gets their own copy of
  the repository in their home folder (cloned the first time, merged without overwriting their work
  later) and notebooks/00_welcome.ipynb opens in JupyterLab. The hub needs nbgitpuller (docs/classroom.md).

Every value in a link is URL-encoded, in the form nbgitpuller's own link generator writes.
"""

import argparse
import re
from urllib.parse import quote, urlencode, urlsplit

FIRST_NOTEBOOK = "notebooks/00_welcome.ipynb"
BINDER = "https://mybinder.org"
BADGE = "https://mybinder.org/badge_logo.svg"
GITHUB_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


def binder_link(repo, branch):
    """mybinder.org's launch link: build `repo` at `branch`, then open the first notebook in JupyterLab."""
    owner, name = repo.split("/")
    return (f"{BINDER}/v2/gh/{quote(owner, safe='')}/{quote(name, safe='')}/{quote(branch, safe='')}?"
            + urlencode({"urlpath": f"lab/tree/{FIRST_NOTEBOOK}"}))


def binder_badge(repo, branch):
    return f"[![Binder]({BADGE})]({binder_link(repo, branch)})"


def nbgitpuller_link(hub, repo, branch):
    """The hub's git-pull link: clone (or update) `repo` into the student's home, then open the first notebook,
    in the clone's folder, which nbgitpuller names after the last part of the repository's address."""
    address = f"https://github.com/{repo}"
    folder = address.rsplit("/", 1)[1]
    query = urlencode({"repo": address, "urlpath": f"lab/tree/{folder}/{FIRST_NOTEBOOK}", "branch": branch})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def repository(value):
    if not GITHUB_REPO.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a GitHub repository as OWNER/NAME")
    return value


def hub_address(value):
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{value!r} is not a hub's address such as https://hub.example.org")
    return value


def branch_name(value):
    if not value.strip() or any(c.isspace() for c in value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a branch name")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", required=True, type=repository, help="the GitHub repository, OWNER/NAME")
    parser.add_argument("--branch", default="main", type=branch_name, help="default: main")
    parser.add_argument("--hub", type=hub_address, help="a JupyterHub's address, for its nbgitpuller link")
    args = parser.parse_args(argv)
    print("Binder badge (Markdown):")
    print(binder_badge(args.repo, args.branch))
    print("\nBinder link:")
    print(binder_link(args.repo, args.branch))
    if args.hub:
        print(f"\nnbgitpuller link for {args.hub}:")
        print(nbgitpuller_link(args.hub, args.repo, args.branch))


if __name__ == "__main__":
    main()
