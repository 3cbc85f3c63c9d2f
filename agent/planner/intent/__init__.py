"""The intent stage: the requests a question makes (embedding classifier and cue words), second
thoughts when an intent does not fit the slots, and where each request goes."""
