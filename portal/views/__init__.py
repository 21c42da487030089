"""The trader's pages: parse the input, call one service or selector, render the result.

Every object is reached through a scoped selector (``*_list_for(user=...)``): anything of
another company is a 404. Officers, managers and administrators get a 404 on every page
here (``trader_required``); they have their own pages. One module per concept; what they
share is in ``base``; a service's refusal is shown through :func:`core.pages.run_service`.
"""
