"""The resources of /api/v1/, one module per resource family: list and retrieve through the
scoped selectors, create and transition through the services. Interfaces only: parse, call,
render. What several modules share is in :mod:`.base` (the view classes, transitions) and
:mod:`.files` (documents and stored files as responses); ``api/urls.py`` routes each."""
