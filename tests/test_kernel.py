"""The one kernel of a year: notebooks run one after another in it, each as in a fresh kernel."""

from __future__ import annotations

import nbformat
import pytest

from budgetkit.build import kernel as kernel_module
from budgetkit.build.kernel import Kernel

pytestmark = pytest.mark.notebooks


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _outputs(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [o.get("text", "") or o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.outputs]


def test_notebooks_share_one_client_and_each_starts_clean(tmp_path):
    import papermill as pm

    first = _notebook(tmp_path / "a.ipynb", "left = 'from a'", "print('a ran')")
    second = _notebook(tmp_path / "b.ipynb", "print('left' in globals())", "print(sum(range(10)))")
    with Kernel(tmp_path) as kernel:
        clients = []
        for k, nb in enumerate([first, second, first, second]):
            if k:
                kernel.reset(wait=False)
            pm.execute_notebook(str(nb), str(tmp_path / f"out{k}.ipynb"), km=kernel.km, progress_bar=False,
                                kernel_name="python3", request_save_on_cell_execute=False)
            kernel.check()
            clients.append(kernel._papermill)
    assert _outputs(tmp_path / "out0.ipynb") == ["a ran\n"]
    assert _outputs(tmp_path / "out1.ipynb") == ["False\n", "45\n"], "the reset ran before the next notebook"
    assert _outputs(tmp_path / "out3.ipynb") == ["False\n", "45\n"]
    assert len({id(c) for c in clients}) == 1, "the client connected for the first notebook serves the others"


def test_a_reset_that_fails_is_reported(tmp_path, monkeypatch):
    with Kernel(tmp_path) as kernel:
        kernel.run("x = 1")
        monkeypatch.setattr(kernel_module, "_RESET", "raise ValueError('namespace kept')")
        kernel.reset(wait=False)
        with pytest.raises(RuntimeError, match="kernel reset failed: ValueError: namespace kept"):
            kernel.check()
        monkeypatch.undo()
        kernel.reset()
        assert kernel.run("'x' in globals()") == "False"


def test_a_released_client_is_replaced(tmp_path):
    import papermill as pm

    nb = _notebook(tmp_path / "a.ipynb", "print('ran')")
    with Kernel(tmp_path) as kernel:
        pm.execute_notebook(str(nb), str(tmp_path / "o1.ipynb"), km=kernel.km, progress_bar=False,
                            kernel_name="python3")
        used = kernel._papermill
        kernel.release()  # as after a notebook that failed
        pm.execute_notebook(str(nb), str(tmp_path / "o2.ipynb"), km=kernel.km, progress_bar=False,
                            kernel_name="python3")
        assert kernel._papermill is not None and kernel._papermill is not used
    assert _outputs(tmp_path / "o2.ipynb") == ["ran\n"]


def test_the_first_notebook_waits_for_the_warm_up_and_loses_no_output(tmp_path):
    """papermill's first client is ready once kernel_info is answered after the warm-up, with iopub connected."""
    import papermill as pm

    nb = _notebook(tmp_path / "a.ipynb", "print(warmed)", "print('second')")
    with Kernel(tmp_path, warm_up="import time, builtins; time.sleep(0.5); builtins.warmed = 'after the warm-up'") as k:
        pm.execute_notebook(str(nb), str(tmp_path / "o.ipynb"), km=k.km, progress_bar=False, kernel_name="python3")
    assert _outputs(tmp_path / "o.ipynb") == ["after the warm-up\n", "second\n"]


def test_a_kernel_that_dies_before_it_is_ready_is_reported(tmp_path):
    import papermill as pm

    nb = _notebook(tmp_path / "a.ipynb", "print('never')")
    with Kernel(tmp_path, warm_up="import os; os._exit(3)") as kernel:
        with pytest.raises(RuntimeError, match="died"):
            pm.execute_notebook(str(nb), str(tmp_path / "o.ipynb"), km=kernel.km, progress_bar=False,
                                kernel_name="python3")


def test_the_warm_up_freezes_what_it_imported(tmp_path):
    """Imported modules go to the permanent generation: a reset's garbage collection does not walk them."""
    with Kernel(tmp_path) as kernel:
        assert kernel.run("import gc; gc.get_freeze_count() > 10_000") == "True"
        kernel.reset()
        assert kernel.run("import sys; 'budgetkit.build.steps' in sys.modules") == "True"


def test_a_stopped_kernel_has_ended_and_closes(tmp_path):
    kernel = Kernel(tmp_path).start()
    assert kernel.run("1 + 1") == "2"
    process = kernel.km.provisioner.process
    kernel.stop()
    assert process.wait(timeout=10) != 0, "killed, not ended by itself"
    kernel.close()
    assert kernel.km is None
