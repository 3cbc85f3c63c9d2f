"""Planners turn a question into catalogue tool calls: `offline.py` (stages `read/`, `intent/`,
`slots/`, `followups.py`, `validate.py`, reading the catalogue through `catalogue.py`) and
`llm.py` (native tool calling); `base.py` holds what both produce."""
