"""Run one notebook with papermill in a kernel rooted at the staging root; its failure in plain words."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from budgetkit.errors import InputError
from budgetkit.project.paths import ProjectPaths
from budgetkit.report.failures import describe_error

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def kernel_root(root: Path) -> Iterator[None]:
    """Make the kernels papermill starts find ``root`` as the project (``$BUDGETKIT_ROOT``), then restore."""
    old = os.environ.get("BUDGETKIT_ROOT")
    os.environ["BUDGETKIT_ROOT"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("BUDGETKIT_ROOT", None)
        else:
            os.environ["BUDGETKIT_ROOT"] = old


def run_notebook(
    name: str,
    parameters: dict,
    out_dir: Path,
    paths: ProjectPaths,
    *,
    run_root: Path | None = None,
    shown_as: str = "",
    kernel=None,
) -> tuple[Path, str]:
    """Execute ``notebooks/<name>.ipynb`` with papermill into ``out_dir``, the kernel rooted at ``run_root``.

    Args:
        name: the notebook.
        parameters: its parameters (validated by the caller).
        out_dir: where the executed copy goes.
        paths: the project (the notebooks are read from it).
        run_root: the root the kernel works in (the staging root); ``paths.root`` by default.
        shown_as: the executed copy's path recorded in its metadata (relative; defaults to the file name).
        kernel: a running :class:`budgetkit.build.kernel.Kernel` rooted at ``run_root`` to run in (its namespace
            is reset first when a notebook ran in it before); papermill starts one of its own when ``None``.

    Returns:
        The executed notebook, and the failure in plain words ('' when every cell ran); the executed copy
        keeps the traceback.
    """
    import papermill as pm  # lazy: papermill, only when a notebook runs
    from papermill.exceptions import PapermillExecutionError  # lazy: papermill, only when a notebook runs

    source = paths.notebooks / f"{name}.ipynb"
    if not source.is_file():
        raise InputError(f"notebook {name} not found", path=source)
    run_root = run_root or paths.root
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{name}.ipynb"
    failure = ""
    extra = {}
    if kernel is not None:
        if kernel.used:
            # waited for: papermill's client sends the notebook's cells on another connection, which the kernel
            # may serve first (a reset not waited for emptied 04_figures' namespace after its import cell)
            kernel.reset()
        kernel.used = True
        extra["km"] = kernel.km
    with kernel_root(run_root):
        try:
            pm.execute_notebook(
                str(source),
                str(executed),
                parameters=parameters,
                cwd=str(run_root),
                progress_bar=False,
                # saved when it ends (and every 30 s of a long cell), not after every cell: each save writes the
                # whole notebook again, about 6 ms, and the next cell waits for it
                request_save_on_cell_execute=False,
                kernel_name="python3",
                log_output=False,
                # The kernel's start-up notices, and the 'KeyboardInterrupt caught in kernel' it logs when
                # jupyter_client interrupts it on shutdown, would print on every build; errors in cells still
                # reach the executed copy and the failure returned here.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                **extra,
            )
            if kernel is not None:
                kernel.check()
        except PapermillExecutionError as exc:
            failure = describe_error(exc.ename, exc.evalue, [run_root, paths.root])
            if kernel is not None:
                kernel.release()  # the next notebook connects afresh
        except BaseException:
            if kernel is not None:
                kernel.release()
            raise
    if executed.is_file():
        tidy_metadata(executed, f"notebooks/{name}.ipynb", shown_as or executed.name)
    return executed, failure


def tidy_metadata(executed: Path, input_path: str, output_path: str) -> None:
    """Record the notebook's paths as the project sees them, not the staging folder's absolute paths."""
    import nbformat  # lazy: nbformat, only once a notebook ran

    nb = nbformat.read(executed, as_version=4)
    meta = nb.metadata.get("papermill", {})
    meta["input_path"], meta["output_path"] = input_path, output_path
    nbformat.write(nb, executed)
