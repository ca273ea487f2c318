"""Translated names of the core vocabulary (roles, org-unit levels), shared by the administration
forms and pages. Keys are the stored values (surveys/labels.py does the same for questionnaires)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helhet.models import Role, UnitLevel

ROLE_LABELS = {Role.ADMIN.value: _l("Administrator"), Role.LEADER.value: _l("Leader")}
LEVEL_LABELS = {
    UnitLevel.MUNICIPALITY.value: _l("Municipality"),
    UnitLevel.SECTOR.value: _l("Sector"),
    UnitLevel.UNIT.value: _l("Unit"),
}
