from .base import *  # noqa: F403
from .csp import *  # noqa: F403
from .providers import *  # noqa: F403
from .rest import *  # noqa: F403
