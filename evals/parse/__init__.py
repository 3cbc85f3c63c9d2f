"""Parse evals: questions and dialogues -> expected tool calls, and their runners."""
