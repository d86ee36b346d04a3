if __name__ == "__main__":
    # Imported here, not at the top: spawned worker processes re-import the main module as
    # "__mp_main__" and have no use for the CLI.
    from tokcost.cli.app import main

    main()
