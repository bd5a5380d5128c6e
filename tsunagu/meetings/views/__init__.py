"""Screens of the meetings app, by concern: meeting bodies, their meetings and the network
picture (`bodies`), case conferences (`conferences`), community issues (`issues`), the
resource development log (`developments`) and the council's report pack (`council`).

Each screen is thin: it fetches through the access layer and hands the form loop, the
refusals and the errors to `core.screens` (`screen`, `form_page`, `action`); what only the
screens of this app share is in `base`.
"""
