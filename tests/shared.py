"""Where the team's shared inputs are: ../shared (reference values from R, real XLSForms, ...).

Found as HELHET_SHARED_DIR if set, else the `shared` folder beside the repository. Tests that need
it skip with a clear reason when it is absent (see ../shared/fixtures/SOURCES.md); with CI=true a
missing or incomplete folder stops the run instead (tests/conftest.py, `shared_problem`), since
every R reference test would otherwise skip and the run still pass.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HELHET_SHARED_DIR") or REPO.parent / "shared")
# what the tests read from it: the R reference values, their data (R's api) and the XLSForms
NEEDED = ("reference/r_survey_api.csv", "fixtures/api", "fixtures/xlsform")


def shared_problem() -> str | None:
    """Why the tests that need the shared inputs would skip (None when they can all run)."""
    if not SHARED.is_dir():
        return f"{SHARED} is not a folder"
    missing = [name for name in NEEDED if not (SHARED / name).exists()]
    if missing:
        return f"{SHARED} has no {', '.join(missing)}"
    return None
