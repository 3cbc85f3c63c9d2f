"""server/routers."""
