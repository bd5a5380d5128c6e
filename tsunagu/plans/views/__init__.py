"""Screens of the plans app: `screens` for the forms and pages, `exports` for the printed and
exchanged documents (PDF, xlsx, FHIR)."""
