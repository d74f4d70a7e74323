"""Static files: hashed and compressed by whitenoise, and never a 500 when collectstatic was skipped."""

import logging

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            # No manifest entry (collectstatic not run): the page renders without its CSS rather
            # than failing; `manage.py collectstatic` fixes it.
            logger.warning("static file not collected", extra={"static_name": name})
            return FileSystemStorage.url(self, name)
