"""The staff's reads across the domain apps: the manager's dashboard (figures and the lists
behind them) and the officer's work queue. Served by the back office's pages and the API."""
