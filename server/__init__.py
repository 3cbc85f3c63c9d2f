"""The web server: a thin shell over `Conversation.ask()`."""
