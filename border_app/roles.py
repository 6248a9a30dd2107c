"""The role matrix: who may do what. One table, used by every service.

The services in ``db/services.py`` call :func:`require` before they read or write; the UI
only *hides* what a role cannot use, it never decides. Least privilege: the post
administrator manages accounts, settings and keys but reads no traveller data; a border
official sees a screening's outcome, never its medical details.
"""

from __future__ import annotations

import enum

from .errors import PermissionDenied
from .i18n import N_, _


class Role(str, enum.Enum):
    BORDER_OFFICIAL = "border_official"
    HEALTH_SCREENER = "health_screener"
    SUPERVISOR = "supervisor"
    POST_ADMIN = "post_admin"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return _(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.BORDER_OFFICIAL: N_("Border official"),
    Role.HEALTH_SCREENER: N_("Health screener"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.POST_ADMIN: N_("Post administrator"),
    Role.COORDINATOR: N_("Coordinator"),
}


class Permission(str, enum.Enum):
    # identity and crossings
    VIEW_IDENTITY = "view_identity"              # names, documents, crossings
    REGISTER_TRAVELLER = "register_traveller"    # create persons, documents, crossings
    EDIT_REGISTRATION = "edit_registration"
    VOID_REGISTRATION = "void_registration"
    # health
    VIEW_SCREENING_OUTCOME = "view_screening_outcome"
    VIEW_SCREENING_DETAILS = "view_screening_details"  # answers, temperature, reasons
    RECORD_SCREENING = "record_screening"
    # paper
    PRINT_SLIP = "print_slip"
    REPRINT_SLIP = "reprint_slip"
    VIEW_REPORTS = "view_reports"
    # administration
    MANAGE_USERS = "manage_users"
    MANAGE_POST = "manage_post"                  # post settings, active protocols, printers
    MANAGE_KEYS = "manage_keys"
    VIEW_AUDIT = "view_audit"
    # data exchange
    EXPORT_BUNDLE = "export_bundle"
    IMPORT_BUNDLE = "import_bundle"


P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.BORDER_OFFICIAL: frozenset({
        P.VIEW_IDENTITY, P.REGISTER_TRAVELLER, P.EDIT_REGISTRATION,
        P.VIEW_SCREENING_OUTCOME, P.PRINT_SLIP,
    }),
    Role.HEALTH_SCREENER: frozenset({
        P.VIEW_IDENTITY, P.VIEW_SCREENING_OUTCOME, P.VIEW_SCREENING_DETAILS,
        P.RECORD_SCREENING, P.PRINT_SLIP,
    }),
    Role.SUPERVISOR: frozenset({
        P.VIEW_IDENTITY, P.REGISTER_TRAVELLER, P.EDIT_REGISTRATION, P.VOID_REGISTRATION,
        P.VIEW_SCREENING_OUTCOME, P.PRINT_SLIP, P.REPRINT_SLIP, P.VIEW_REPORTS,
        P.VIEW_AUDIT, P.EXPORT_BUNDLE,
    }),
    Role.POST_ADMIN: frozenset({
        P.MANAGE_USERS, P.MANAGE_POST, P.MANAGE_KEYS, P.VIEW_AUDIT, P.EXPORT_BUNDLE,
    }),
    Role.COORDINATOR: frozenset({
        P.VIEW_IDENTITY, P.VIEW_SCREENING_OUTCOME, P.VIEW_REPORTS, P.IMPORT_BUNDLE,
        P.VIEW_AUDIT,
    }),
}

PERMISSION_LABELS = {
    P.VIEW_IDENTITY: N_("see travellers' identities and crossings"),
    P.REGISTER_TRAVELLER: N_("register travellers"),
    P.EDIT_REGISTRATION: N_("edit a registration"),
    P.VOID_REGISTRATION: N_("void a registration"),
    P.VIEW_SCREENING_OUTCOME: N_("see screening outcomes"),
    P.VIEW_SCREENING_DETAILS: N_("see medical details of screenings"),
    P.RECORD_SCREENING: N_("record health screenings"),
    P.PRINT_SLIP: N_("print attestation slips"),
    P.REPRINT_SLIP: N_("reprint attestation slips"),
    P.VIEW_REPORTS: N_("see reports"),
    P.MANAGE_USERS: N_("manage user accounts"),
    P.MANAGE_POST: N_("change the post's settings"),
    P.MANAGE_KEYS: N_("manage the post's keys"),
    P.VIEW_AUDIT: N_("read the audit trail"),
    P.EXPORT_BUNDLE: N_("export data bundles"),
    P.IMPORT_BUNDLE: N_("import data bundles"),
}


def allowed(role: Role | str, permission: Permission) -> bool:
    return permission in MATRIX[Role(role)]


def require(role: Role | str, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` (translated) unless ``role`` has ``permission``."""
    if not allowed(role, permission):
        raise PermissionDenied(
            _("Your role ({role}) does not allow you to {action}.").format(
                role=Role(role).label, action=_(PERMISSION_LABELS[permission])
            )
        )
