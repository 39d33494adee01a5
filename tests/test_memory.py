"""The allocator tuning of batch commands (issue 16): freed picture memory is reused, not faulted in anew."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A decoding thread's allocations for ten photos (decoded, warped, levelled, encoded pictures, in MB), counted
# in page faults; run in a fresh interpreter, with or without the tuning.
_PHOTOS = """
import ctypes, resource, sys, threading
from desktop_app.memory import keep_freed_memory
if sys.argv[1] == "tuned":
    assert keep_freed_memory()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
def photos():
    for photo in range(10):
        for megabytes in (12, 9, 4, 4, 4, 6):
            size = megabytes * 1024 * 1024 + photo * 4096
            block = libc.malloc(size)
            ctypes.memset(block, 1, size)
            libc.free(block)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
worker = threading.Thread(target=photos)
worker.start()
worker.join()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _PHOTOS, mode], capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's (Linux)")
def test_freed_picture_memory_is_reused_for_the_next_photo() -> None:
    # glibc's defaults give blocks this large back to the system and fault every page in again for the next
    # photo (~10 ms of kernel time a photo in `attach`); tuned, the blocks stay in the process.
    plain, tuned = _faults("plain"), _faults("tuned")
    assert tuned * 4 < plain
