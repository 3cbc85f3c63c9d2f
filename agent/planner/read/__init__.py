"""agent/planner/read."""
