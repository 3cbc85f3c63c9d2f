"""The read stage: a message in; its data cut out, typos fixed and clauses split, or a polite
answer when it cannot be a question. Replies that need no tool live here too."""
