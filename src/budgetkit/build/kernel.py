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
(:data:`WARM_UP`) in the background, and freezes them out of the garbage collector's
reach. papermill's first client is ready as soon as the kernel answers with its
outputs channel connected (:func:`_connect`) and the warm-up has run. Once its notebooks are done,
:meth:`Kernel.stop` kills the kernel without waiting; :meth:`Kernel.close` then
finds it gone.

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
import signal
import time
from functools import partial
from pathlib import Path
from queue import Empty

__all__ = ["WARM_UP", "Kernel"]

logger = logging.getLogger(__name__)

#: What the kernel runs as soon as it is up, so the first notebook finds its imports done. The objects of
#: those imports then move to the collector's permanent generation (:func:`gc.freeze`): they live as long as
#: the kernel, and IPython's reset between notebooks collects garbage, which would otherwise walk all of
#: pandas and matplotlib each time (about 60 ms a reset; under 1 ms frozen), as would every full collection.
WARM_UP = "__import__('budgetkit.build.steps'); __import__('budgetkit.report.params'); __import__('gc').freeze()"

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
        self._pending: str | None = None  # the request id of a reset sent without waiting
        self._warming: str | None = None  # the request id of the warm-up, until it is known to have run
        self._papermill = None  # the client papermill runs every notebook with
        self._own = None  # the client of run() and reset(): connected once (each connection waits ~0.2 s)
        self._own_ready = False  # its iopub channel is known to be connected
        self._warm_up = warm_up
        self._timeout = timeout

    def __enter__(self) -> Kernel:
        return self.start()

    def start(self) -> Kernel:
        """Start the kernel and send it the warm-up (not waited for); return ``self``."""
        from jupyter_client import AsyncKernelManager  # lazy: the kernel client loads only when notebooks run
        from jupyter_core.utils import run_sync  # lazy: the kernel client loads only when notebooks run

        env = {**os.environ, "BUDGETKIT_ROOT": str(self.root)}
        self.km = AsyncKernelManager(kernel_name="python3")
        run_sync(self.km.start_kernel)(cwd=str(self.root), env=env, extra_arguments=list(KERNEL_ARGUMENTS))
        # papermill makes a client for every notebook, connects it and waits until it is ready (jupyter_client
        # then waits 0.2 s on the iopub channel each time), then leaves it connected as the kernel is not its
        # own: the first one is kept and handed to every later notebook, connected and ready, so that one
        # kernel_info round trip shows the kernel still answers (replies and outputs are matched to their
        # requests, so what the notebook before left in the channels is passed over)
        make_client = self.km.client

        def client(**kwargs):
            if self._papermill is None:
                self._papermill = kc = make_client(**kwargs)
                kc.wait_for_ready = partial(self._ready, kc)
            else:
                kc = self._papermill
                kc.start_channels = _connected
                kc.wait_for_ready = partial(_answers, kc)
            return self._papermill

        self.km.client = client
        if self._warm_up:
            self._warming = self._client().execute(self._warm_up, silent=True, store_history=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stop(self) -> None:
        """Kill the kernel without waiting for it to end: its work is done. :meth:`close` then finds it gone.

        jupyter_client, asked to stop a kernel, polls every 0.1 s until the process has ended; killed first,
        it has ended by the time the build has written its manifest.
        """
        from jupyter_core.utils import run_sync  # lazy: the kernel client loads only when notebooks run

        self.release()
        if self.km is not None and self.km.has_kernel:
            try:
                run_sync(self.km.signal_kernel)(signal.SIGKILL)
            except Exception as exc:  # noqa: BLE001 - a kernel that died already is stopped
                logger.debug("kernel kill: %s", exc)

    def close(self) -> None:
        """Stop the kernel (at once: its work is done or abandoned)."""
        self.release()
        self._pending = None
        if self._own is not None:
            self._own.stop_channels()
            self._own = None
        if self.km is None:
            return
        from jupyter_core.utils import run_sync  # lazy: the kernel client loads only when notebooks run

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
        if not wait:
            self._client().execute(code, silent=True, store_history=False)
            return ""
        kc = self._client(outputs=True)
        shown: list[str] = []

        def collect(msg: dict) -> None:
            if msg["header"]["msg_type"] == "execute_result":
                shown.append(msg["content"]["data"].get("text/plain", ""))

        reply = kc.execute_interactive(code, store_history=False, timeout=self._timeout, output_hook=collect)
        self._warming = None  # sent before on the same client, so run before
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        return shown[-1] if shown else ""

    def _client(self, *, outputs: bool = False):
        """The kernel's own client, connected on first use; with ``outputs``, ready to read them too.

        Requests and replies need no waiting: what is sent on the shell channel before the kernel is up
        waits for it. Outputs do: the iopub channel passes on only what the kernel publishes once it is
        connected, which ``wait_for_ready`` makes sure of (it takes 0.2 s), so it is only waited for by
        the first :meth:`run` that reads outputs (the build sends and checks only).
        """
        if self._own is None:  # a blocking client: not tied to the event loops papermill runs and closes
            from jupyter_client import BlockingKernelClient  # lazy: the kernel client loads only when notebooks run

            self._own = BlockingKernelClient()
            self._own.load_connection_info(self.km.get_connection_info())
            self._own.start_channels(hb=False)
            self._own_ready = False
        if outputs and not self._own_ready:
            self._own.wait_for_ready(timeout=self._timeout)
            self._own_ready = True
        return self._own

    def reset(self, *, wait: bool = True) -> None:
        """Empty the user namespace and restart the execution count; modules stay imported.

        With ``wait=False`` the reset is only sent: the kernel runs requests in the order they come, so it
        is done before anything sent after it (the next notebook's cells), while papermill gets that
        notebook ready. Its reply is checked by :meth:`check` (call it once the notebook ran) or the next
        :meth:`reset`.

        Raises:
            RuntimeError: the reset (or one sent before without waiting) failed in the kernel.
        """
        self.check()
        if wait:
            self.run(_RESET)
            return
        self._pending = self._client().execute(_RESET, silent=True, store_history=False)

    def check(self) -> None:
        """Wait for the reply of a reset sent without waiting (see :meth:`reset`) and raise if it failed."""
        msg_id, self._pending = self._pending, None
        if msg_id is None:
            return
        while True:  # replies to other requests (the warm-up's) are passed over
            reply = self._own.get_shell_msg(timeout=self._timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        self._warming = None  # sent before on the same client, so run before
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"kernel reset failed: {content.get('ename')}: {content.get('evalue')}")

    async def _ready(self, kc, timeout: float | None = None) -> None:
        """``wait_for_ready`` of papermill's first client: :func:`_connect`, then the warm-up known to have run.

        The warm-up goes through the kernel's own client, whose requests papermill's do not queue behind: two
        clients connect to a kernel that is starting in either order. Waiting for its reply here, the first
        notebook's cells run after it, not among them.

        Raises:
            RuntimeError: the kernel died, or did not answer within ``timeout`` seconds.
        """
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        await _connect(kc, timeout, deadline)
        if self._warming is not None:
            reply = await _reply(partial(self._own.get_shell_msg, timeout=0.05), self._warming, kc, deadline,
                                 "the kernel died while it imported budgetkit (its warm-up)",
                                 f"the kernel's warm-up did not end in {timeout} s")
            self._warming = None
            if reply["content"].get("status") != "ok":  # the notebook's own imports will say what fails
                logger.debug("kernel warm-up: %s", reply["content"].get("evalue"))

    def release(self) -> None:
        """Disconnect papermill's client (the next notebook connects a new one; the kernel goes on)."""
        kc, self._papermill = self._papermill, None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception as exc:  # noqa: BLE001 - a client already closed
                logger.debug("kernel client: %s", exc)


def _connected(*args, **kwargs) -> None:
    """``start_channels`` of a client whose channels were started for an earlier notebook: nothing to do."""


async def _answers(kc, timeout: float | None = None) -> None:
    """``wait_for_ready`` of a client that was ready for an earlier notebook: the kernel answers kernel_info."""
    msg_id = kc.kernel_info()
    while True:  # replies left from the notebook before are passed over
        reply = await kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return


async def _reply(get, msg_id: str, kc, deadline: float, died: str, late: str) -> dict:
    """The reply to request ``msg_id`` read with ``get`` (replies to other requests are passed over).

    ``get`` reads one shell message or raises :class:`queue.Empty` after a short wait (a blocking or an
    asynchronous client's ``get_shell_msg``); in between, ``kc`` (a client of the kernel manager) tells
    whether the kernel is alive.

    Raises:
        RuntimeError: ``died`` when the kernel died, ``late`` once ``deadline`` (``time.monotonic``) passed.
    """
    from jupyter_core.utils import ensure_async  # lazy: the kernel client loads only when notebooks run

    while True:
        try:
            reply = await ensure_async(get())
        except Empty:
            if not await kc.is_alive():
                raise RuntimeError(died) from None
            if time.monotonic() > deadline:
                raise RuntimeError(late) from None
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


async def _connect(kc, timeout: float | None, deadline: float) -> None:
    """Make papermill's first client ready: kernel_info answered, and the iopub channel connected.

    jupyter_client's own does the same, then reads iopub until it has been quiet for 0.2 s, which every
    build would wait for while the kernel imports: nbclient passes over outputs of other requests anyway.
    iopub is connected once a message comes through it (the kernel publishes its status for every request);
    until then, kernel_info is asked again.

    Raises:
        RuntimeError: the kernel died, or did not answer by ``deadline`` (``timeout`` seconds after the start).
    """
    while True:
        reply = await _reply(partial(kc.get_shell_msg, timeout=1), kc.kernel_info(), kc, deadline,
                             "the kernel died before answering kernel_info",
                             f"the kernel did not answer in {timeout} s")
        try:
            await kc.get_iopub_msg(timeout=0.2)
            if hasattr(kc, "_handle_kernel_info_reply"):  # as jupyter_client's: the protocol version it speaks
                kc._handle_kernel_info_reply(reply)
            return
        except Empty:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the kernel's outputs did not come through in {timeout} s") from None
