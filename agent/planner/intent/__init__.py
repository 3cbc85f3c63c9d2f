"""agent/planner/intent."""
