"""auth_service settings, one module per concern over musica_kit.settings, all from the environment."""

from .base import *  # noqa: F403
from .database import *  # noqa: F403
from .music import *  # noqa: F403
from .rest import *  # noqa: F403
