"""Where the team's shared inputs are: ../shared (reference values from R, real XLSForms, ...).

Found as HELHET_SHARED_DIR if set, else the `shared` folder beside the repository. Tests that need
it skip with a clear reason when it is absent (see ../shared/fixtures/SOURCES.md).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HELHET_SHARED_DIR") or REPO.parent / "shared")
