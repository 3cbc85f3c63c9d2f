"""agent/planner."""
