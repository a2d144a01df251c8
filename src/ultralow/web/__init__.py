"""The public responsibility site: one ASGI application (Starlette on uvicorn, Jinja2, Babel catalogs).

``create_app`` builds it; sub-applications such as the operations dashboard are mounted through
``ultralow.web.subapps``.
"""

from ultralow.web.app import create_app
from ultralow.web.context import WebContext

__all__ = ["WebContext", "create_app"]
