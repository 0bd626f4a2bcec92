"""Install the project's JupyterLab settings overrides into this environment's JupyterLab.

    python scripts/install_lab_settings.py    # with the environment's Python (`make lab` runs it)

scripts/lab_settings_overrides.json turns JupyterLab's news check off (`fetchNews: "false"`), so no
"Would you like to receive official Jupyter news?" pop-up covers the bottom right of the widgets. It is
copied to {JupyterLab's app dir}/settings/overrides.d/, which JupyterLab merges into its defaults: a
learner can still change the setting, and an overrides.json of their own still wins.

Not a data file of the package: pip's editable install (`pip install -e .`, both README routes) does
not install data files, so the make route and the conda route run this script instead.
"""
import shutil
from pathlib import Path

SOURCE = Path(__file__).resolve().with_name("lab_settings_overrides.json")
NAME = "microgpt-notebooks.json"


def target():
    """Where this environment's JupyterLab reads it (JupyterLab's own answer: $JUPYTERLAB_DIR, else
    {sys.prefix}/share/jupyter/lab)."""
    from jupyterlab.commands import get_app_dir
    return Path(get_app_dir()) / "settings" / "overrides.d" / NAME


if __name__ == "__main__":
    destination = target()
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, destination)
    print(f"JupyterLab settings overrides (no news pop-up): {destination}")
