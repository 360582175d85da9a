"""One Jupyter kernel for all the notebooks of a year: started once, its namespace reset between notebooks.

papermill starts (and stops) a kernel for every notebook, and each kernel
imports pandas, matplotlib and budgetkit again: about a second per notebook
before any work is done. A :class:`Kernel` is started once, with the working
folder and ``$BUDGETKIT_ROOT`` of the (staging) root the notebooks run in, and
handed to papermill (its ``km``: papermill then neither starts nor stops it).
Before every notebook but the first, :meth:`Kernel.reset` empties the user
namespace and the execution count (IPython's ``reset(new_session=True)``), so
each notebook starts as in a fresh kernel: its parameters are validated against
its own ``globals()``, and nothing of the notebook before it can be used by
mistake. Imported modules stay imported, which is the point.

While the first notebook is being prepared, the kernel imports budgetkit's steps
(:data:`WARM_UP`) in the background.

Examples:
    >>> import tempfile
    >>> with Kernel(Path(tempfile.mkdtemp())) as kernel:
    ...     first = kernel.run("x = 1; import os; os.environ['BUDGETKIT_ROOT'] == os.getcwd()")
    ...     kernel.reset()
    ...     second = kernel.run("'x' in globals()")
    >>> first, second
    ('True', 'False')
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["WARM_UP", "Kernel"]

logger = logging.getLogger(__name__)

#: What the kernel runs as soon as it is up, so the first notebook finds its imports done.
WARM_UP = "__import__('budgetkit.steps'); __import__('budgetkit.params')"

#: The kernel's arguments: no start-up notices, history in memory (no sqlite file per run).
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:")

_RESET = "get_ipython().reset(new_session=True)"


class Kernel:
    """A python3 kernel rooted at ``root`` (see the module docstring); a context manager.

    Attributes:
        root: the kernel's working folder and ``$BUDGETKIT_ROOT``.
        km: the kernel manager (``None`` until started), to pass to papermill.
    """

    def __init__(self, root: Path, *, warm_up: str = WARM_UP, timeout: float = 60.0) -> None:
        self.root = Path(root)
        self.km = None
        self.used = False
        self._clients: list = []
        self._own = None  # the client of run() and reset(): connected once (each connection waits ~0.2 s)
        self._warm_up = warm_up
        self._timeout = timeout

    def __enter__(self) -> Kernel:
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        env = {**os.environ, "BUDGETKIT_ROOT": str(self.root)}
        self.km = AsyncKernelManager(kernel_name="python3")
        run_sync(self.km.start_kernel)(cwd=str(self.root), env=env, extra_arguments=list(KERNEL_ARGUMENTS))
        # papermill leaves the client it makes connected when the kernel is not its own: keep them, to close
        make_client = self.km.client

        def client(**kwargs):
            kc = make_client(**kwargs)
            self._clients.append(kc)
            return kc

        self.km.client = client
        if self._warm_up:
            self.run(self._warm_up, wait=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the kernel (at once: its work is done or abandoned)."""
        self.release()
        if self._own is not None:
            self._own.stop_channels()
            self._own = None
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as exc:  # noqa: BLE001 - a kernel that died already is stopped
            logger.debug("kernel shutdown: %s", exc)
        self.km = None

    def run(self, code: str, *, wait: bool = True) -> str:
        """Execute ``code`` silently in the kernel; return its last expression's ``text/plain`` ('' if none).

        Raises:
            RuntimeError: the code raised in the kernel (with the kernel's error name and value).
        """
        if self._own is None:  # a blocking client: not tied to the event loops papermill runs and closes
            from jupyter_client import BlockingKernelClient

            self._own = BlockingKernelClient()
            self._own.load_connection_info(self.km.get_connection_info())
            self._own.start_channels(hb=False)
            self._own.wait_for_ready(timeout=self._timeout)
        kc = self._own
        if not wait:
            kc.execute(code, silent=True, store_history=False)
            return ""
        shown: list[str] = []

        def collect(msg: dict) -> None:
            if msg["header"]["msg_type"] == "execute_result":
                shown.append(msg["content"]["data"].get("text/plain", ""))

        reply = kc.execute_interactive(code, store_history=False, timeout=self._timeout, output_hook=collect)
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        return shown[-1] if shown else ""

    def reset(self) -> None:
        """Empty the user namespace and restart the execution count; modules stay imported."""
        self.run(_RESET)

    def release(self) -> None:
        """Disconnect the clients made so far (papermill's, after a notebook ran; the kernel goes on)."""
        while self._clients:
            kc = self._clients.pop()
            try:
                kc.stop_channels()
            except Exception as exc:  # noqa: BLE001 - a client already closed
                logger.debug("kernel client: %s", exc)
