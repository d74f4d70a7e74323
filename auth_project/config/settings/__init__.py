"""auth_service settings, one module per concern, all read from the environment (musica_kit.env)."""

from .base import *  # noqa: F403
from .csp import *  # noqa: F403
from .database import *  # noqa: F403
from .music import *  # noqa: F403
from .rest import *  # noqa: F403
