"""The slots stage: what a request says (inputs, numbers, methods, labels, conditions, edits),
read by rules, and the calls built from it with each tool's own arguments."""
