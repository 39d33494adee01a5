import multiprocessing
import sys

from desktop_app.cli import main

if __name__ == "__main__":
    # In the PyInstaller build, worker processes (spawn) re-run this executable; freeze_support()
    # turns those runs into workers instead of a second app. A no-op when running from source.
    multiprocessing.freeze_support()
    sys.exit(main())
