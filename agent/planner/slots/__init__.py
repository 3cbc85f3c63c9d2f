"""agent/planner/slots."""
