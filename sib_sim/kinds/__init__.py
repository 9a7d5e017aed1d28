"""The outcome rule kinds of the contract language."""
