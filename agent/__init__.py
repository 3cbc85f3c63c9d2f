"""The agent: conversation, dialogue state, planners, answer writer, CLI. Sees tools only through
the tool registry."""
