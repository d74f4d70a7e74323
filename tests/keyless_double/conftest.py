"""Make ``tests.spotify_double`` importable however pytest was started.

pytest puts ``tests/`` (the first folder up without ``__init__.py``) on ``sys.path``;
the double is imported by its full name, so the repository root must be there too.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
