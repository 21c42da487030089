"""The officer workbench (issue 4): the work queue, the eligibility review, the site
validation, action plans, change notices, post-incident analyses and a member's file.

Interfaces only: each view parses its input with a form, calls one service or selector and
renders the result. A service's refusal (a wrong state, a missing reason, a date in the past)
comes back on the same page, next to the field it concerns or at the top of the form, with
a 4xx status; never a 500 (:func:`core.pages.run_service`). Objects outside the user's scope,
and every page for a role that is not an officer's or a manager's, answer 404 (core.access).
One module per concept; what they share is in ``base``.
"""
