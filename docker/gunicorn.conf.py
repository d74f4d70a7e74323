"""gunicorn settings inside the containers: the service's own gunicorn.conf.py, plus container bits.

The image runs gunicorn from the project folder (/app) with ``-c /etc/musica/gunicorn.conf.py``;
this file loads /app/gunicorn.conf.py (bind from $PORT, workers from $WEB_CONCURRENCY, threads
from $GUNICORN_THREADS, the ``on_starting`` hook that refuses weak or placeholder secrets, forwarded
headers trusted only with DJANGO_SECURE_PROXY_SSL_HEADER, ...) when it exists and then sets what only
a container needs (tests/e2e run gunicorn with this file too).
"""

import os
import runpy
import types

_service_conf = os.path.join(os.getcwd(), "gunicorn.conf.py")
if os.path.exists(_service_conf):
    for _name, _value in runpy.run_path(_service_conf).items():
        if not _name.startswith("_") and not isinstance(_value, types.ModuleType):
            globals()[_name] = _value

port = os.environ.get("PORT", "8000")
bind = f"0.0.0.0:{port}"
# Heartbeat files on tmpfs: an overlay filesystem can stall workers into timeouts.
worker_tmp_dir = "/dev/shm"  # noqa: S108
# gunicorn's own messages go to stderr (docker logs); each service logs its requests as JSON.
errorlog = "-"
