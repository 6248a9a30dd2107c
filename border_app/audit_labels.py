"""What the audit trail's action and record codes mean, in words (translated when shown).

The audit trail stores short codes (``login_failed``, ``reset_password``...) and ids only;
the administration screen shows these labels. A code without a label (one added later) is
shown as it is, never hidden.
"""

from __future__ import annotations

from .i18n import N_, _

ACTION_LABELS: dict[str, str] = {
    "setup": N_("Post set up"),
    "login": N_("Signed in"),
    "login_failed": N_("Wrong password or user name"),
    "login_locked": N_("Sign-in refused: account locked"),
    "login_refused": N_("Sign-in refused: account deactivated"),
    "account_locked": N_("Account locked (too many wrong passwords)"),
    "unlock": N_("Account unlocked"),
    "reset_password": N_("Password reset by the administrator"),
    "change_password": N_("Own password changed"),
    "password_change_failed": N_("Own password change refused (wrong current password)"),
    "create": N_("Created"),
    "activate": N_("Account activated"),
    "deactivate": N_("Account deactivated"),
    "register": N_("Crossing registered"),
    "update": N_("Crossing corrected"),
    "void": N_("Crossing voided"),
    "delete": N_("Deleted"),
    "view": N_("Record opened"),
    "issue_slip": N_("Slip printed"),
    "reprint_slip": N_("Slip reprinted (duplicate)"),
    "demo_seed": N_("Demo travellers added"),
    "export": N_("Data bundle exported"),
    "pin_coordination": N_("Coordination keys pinned"),
}

#: an action whose words depend on the record (``create`` an account, ``create`` a screening)
ACTION_ENTITY_LABELS: dict[tuple[str, str], str] = {
    ("create", "user"): N_("Account created"),
    ("create", "screening"): N_("Screening recorded"),
    ("view", "crossing"): N_("Crossing opened"),
    ("view", "screening"): N_("Screening details opened"),
    ("delete", "user"): N_("Account deleted"),
}

ENTITY_LABELS: dict[str, str] = {
    "post": N_("post"),
    "user": N_("account"),
    "crossing": N_("crossing"),
    "screening": N_("screening"),
    "slip": N_("slip"),
    "person": N_("person"),
    "document": N_("document"),
    "bundle": N_("bundle"),
    "keys": N_("coordination keys"),
}


def action_label(code: str | None, entity: str | None = None) -> str:
    """The translated words for an audit action code, on a record of kind ``entity`` (the
    code itself when unknown)."""
    msgid = ACTION_ENTITY_LABELS.get((code or "", entity or "")) or ACTION_LABELS.get(code or "")
    return _(msgid) if msgid else (code or "")


def entity_label(code: str | None) -> str:
    msgid = ENTITY_LABELS.get(code or "")
    return _(msgid) if msgid else (code or "")


def action_choices() -> list[tuple[str, str]]:
    """(code, translated label) of every known action, sorted by label: the filter's list."""
    return sorted(((code, _(msgid)) for code, msgid in ACTION_LABELS.items()), key=lambda item: item[1].lower())
