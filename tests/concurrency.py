"""Running things at the same moment, for the tests of what must hold under concurrency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def run_concurrently(functions: list[Callable]) -> list:
    """Run the functions at the same moment (a barrier releases them together); their results."""
    barrier = threading.Barrier(len(functions))

    def call(function):
        barrier.wait(timeout=30)
        return function()

    with ThreadPoolExecutor(max_workers=len(functions)) as pool:
        return list(pool.map(call, functions))
