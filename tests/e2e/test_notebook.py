"""A lesson taken away: the notebook and the files it needs, downloaded from the real course's
lesson page in Chromium, run top to bottom in a real Jupyter kernel (nbclient, ipykernel)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e

LESSON = "ai/describing-data.html"  # a data file (penguins.csv) and the site's charts module


def test_notebook_download_runs_top_to_bottom_in_jupyter(course_site, page, guard, tmp_path):
    page.goto(course_site.url(LESSON))
    downloads = page.locator(".lesson-downloads")
    links = ["Jupyter notebook (.ipynb)", "penguins.csv", "charts.py"]
    for name in links:
        with page.expect_download() as caught:
            downloads.get_by_role("link", name=name).click()
        caught.value.save_as(tmp_path / caught.value.suggested_filename)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["charts.py", "describing-data.ipynb", "penguins.csv"]

    notebook = nbformat.read(tmp_path / "describing-data.ipynb", as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises at the first cell that fails, unless it is tagged raises-exception
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    text = "".join(out.get("text", "") for cell in code for out in cell.outputs)
    assert "344 rows" in text  # it really read the data file
    assert any("image/svg+xml" in out.get("data", {}) for cell in code for out in cell.outputs)  # a chart
