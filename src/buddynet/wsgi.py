"""The WSGI entry point (``buddynet serve`` runs it under gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

from buddynet.datadir import ensure_data_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buddynet.settings")
ensure_data_dir()
application = get_wsgi_application()
