import gc
import os
import sys

if __name__ == "__main__":
    # A command is a short run: the collector's full passes over what start-up makes (the modules, SQLAlchemy's
    # above all, and the open database) free nothing and cost ~0.06 s of a packet. Off while it is made, then
    # it is set aside for good (gc.freeze) and collecting resumes for what the command itself makes.
    gc.disable()

from desktop_app.cli import main, opens_window  # noqa: E402


def _collect_from_here() -> None:
    """The command's imports are done and its database is open: what exists now lives until the end."""
    gc.freeze()
    gc.enable()


def _finish(code: int) -> None:
    """End a command-line run without the interpreter's teardown.

    Freeing every module at exit costs ~0.2 s per command (SQLAlchemy and pypdf build large object
    graphs); people script these commands, so a subcommand flushes its output and logs, then leaves.
    By then `main` has closed the database and every worker pool has been shut down.
    """
    import logging

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
    # Worker processes exist only if the command loaded multiprocessing (a packet that prepared pictures).
    multiprocessing = sys.modules.get("multiprocessing")
    children = multiprocessing.active_children() if multiprocessing is not None else []
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
    # turns those runs into workers instead of a second app. A no-op when running from source, where
    # multiprocessing is left unloaded for the commands that start no worker.
    if getattr(sys, "frozen", False):
        import multiprocessing

        gc.enable()  # in a worker freeze_support() runs the work and never returns: it collects as usual
        multiprocessing.freeze_support()
        gc.disable()
    if opens_window(sys.argv[1:]):
        gc.enable()
        sys.exit(main())
    _finish(main(settled=_collect_from_here))
