import multiprocessing
import sys

from desktop_app.cli import main, opens_window


def _finish(code: int) -> None:
    """End a command-line run without the interpreter's teardown.

    Freeing every module at exit costs ~0.2 s per command (SQLAlchemy and pypdf build large object
    graphs); people script these commands, so a subcommand flushes its output and logs, then leaves.
    By then `main` has closed the database and every worker pool has been shut down.
    """
    import logging
    import os

    from desktop_app.cli import BROKEN_PIPE, silence_stdout

    try:
        sys.stdout.flush()
    except BrokenPipeError:  # buffered output met a closed pipe (`… | head`): as main() does for it
        silence_stdout()
        code = BROKEN_PIPE
    except (OSError, ValueError):
        code = code or 1
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    # Worker processes of a command that failed midway (a full disk during a packet) must not outlive it:
    # they would keep its output pipe open and the caller waiting. Then the normal teardown releases the
    # pool's semaphores (a quick exit would leave the resource tracker to warn about them on the terminal).
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(5)
    if children:
        sys.exit(code)
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    # In the PyInstaller build, worker processes (spawn) re-run this executable; freeze_support()
    # turns those runs into workers instead of a second app. A no-op when running from source.
    multiprocessing.freeze_support()
    exit_code = main()
    if not opens_window(sys.argv[1:]):
        _finish(exit_code)
    sys.exit(exit_code)
