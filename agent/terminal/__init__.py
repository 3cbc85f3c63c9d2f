"""The terminal: the `saywhy` command, the REPL and how answers look on a screen.

This package is the composition root for the terminal. It sits above the agent core
(`saywhy.agent` outside this folder), the server and the evals, and may import all three; none
of them imports it. Nothing is imported here, so `saywhy --help` stays instant: each command
imports what it needs when it runs.
"""
