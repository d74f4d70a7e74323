"""music_service settings, one module per concern; all read the environment via musica_kit.env."""

from .base import *  # noqa: F403
from .cache import *  # noqa: F403
from .csp import *  # noqa: F403
from .logs import *  # noqa: F403
from .openapi import *  # noqa: F403
from .providers import *  # noqa: F403
from .rest import *  # noqa: F403
from .security import *  # noqa: F403
from .spotify import *  # noqa: F403
