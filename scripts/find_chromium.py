"""Find the Chromium that the browser tests drive: $MICROGPT_CHROMIUM if set, else the first of
chromium, chromium-browser, google-chrome, ... on PATH.

    python scripts/find_chromium.py    # prints its path; or says how to get one and exits 1

The one definition of that lookup: `make test`'s install step (scripts/install_system_deps.sh) and
tests/browser/conftest.py both use it. Standard library only, so it runs before any environment
exists.
"""
import os
import shutil
import sys

VARIABLE = "MICROGPT_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class ChromiumNotFound(Exception):
    pass


def find_chromium(environ=None):
    """The path of the Chromium to use; ChromiumNotFound, saying what to do, if there is none."""
    environ = os.environ if environ is None else environ
    search_path = environ.get("PATH", os.defpath)
    chosen = environ.get(VARIABLE)
    if chosen:  # a path, or a command name on PATH
        found = shutil.which(chosen, path=search_path)
        if found is None:
            raise ChromiumNotFound(f"{VARIABLE}={chosen} is not an executable file or a command on PATH")
        return found
    for name in NAMES:
        found = shutil.which(name, path=search_path)
        if found is not None:
            return found
    raise ChromiumNotFound(
        f"No Chromium found for the browser tests: none of {', '.join(NAMES)} is on PATH. "
        f"Install Chromium (Debian/Ubuntu: apt-get install chromium), or point the tests at a Chromium "
        f"or Chrome: {VARIABLE}=/path/to/chrome make test")


if __name__ == "__main__":
    try:
        print(find_chromium())
    except ChromiumNotFound as error:
        sys.exit(str(error))
