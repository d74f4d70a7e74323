from .base import *  # noqa: F403
from .providers import *  # noqa: F403
