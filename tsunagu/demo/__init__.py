"""The fictional demo city みどり市 and the city-scale benchmark data.

Installed only in demo mode (TSUNAGU_DEMO=1) and under pytest (see settings.INSTALLED_APPS).
The demo stands above every domain app: it builds its data through their services and models,
and no domain app imports it.
"""

DEMO_PASSWORD = "tsunagu-demo-2026"  # noqa: S105  # published on purpose: demo mode only
