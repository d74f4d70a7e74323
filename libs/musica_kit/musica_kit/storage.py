"""Static files: hashed and compressed by whitenoise, and never a 500 when collectstatic was skipped."""

import logging

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    _warned_not_collected = False

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            if self.hashed_files:
                # whitenoise asks at start for names that only look hashed: expected.
                logger.debug("static file not in the manifest", extra={"static_name": name})
            elif not StaticFilesStorage._warned_not_collected:
                StaticFilesStorage._warned_not_collected = True
                logger.warning(
                    "static files not collected: run `manage.py collectstatic`",
                    extra={"static_root": str(self.location)},
                )
            return FileSystemStorage.url(self, name)
