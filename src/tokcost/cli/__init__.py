"""The command-line interface: argument parsing and rendering over the library API."""
