"""Services of the operations dashboard: users and sessions, the audit trail, marks, alarms, the live view
and the data-quality findings. The web dashboard (``ultralow.web.ops``) and the commands ``ultralow user``
and ``ultralow marks`` call these; they hold no logic of their own.

Every write goes through :class:`OpsStore` (one lock, one transaction per change, the audit row in the same
transaction as the change it records).
"""

from ultralow.app.ops.audit import AUDIT_COLUMNS, AuditRow, audit_csv
from ultralow.app.ops.settings import OpsSettings, WarningRule, load_settings
from ultralow.app.ops.store import OpsStore
from ultralow.app.ops.users import ROLES, LoginResult, Session, User

__all__ = [
    "AUDIT_COLUMNS",
    "ROLES",
    "AuditRow",
    "LoginResult",
    "OpsSettings",
    "OpsStore",
    "Session",
    "User",
    "WarningRule",
    "audit_csv",
    "load_settings",
]
