"""The report layer: tables for reading, pages, and the site under ``reports/``.

- :mod:`.codes`: Chinese and English words for code values (``closes`` → 吻合 closes)
- :mod:`.display`: :class:`~.display.ReadingTable`: full text, Chinese headers, formatted, escaped; over
  :mod:`.rows` (a table as plain Python values) and :mod:`.cell_text` (how a cell is written)
- :mod:`.failures`: a failed notebook or file in plain words, with relative paths
- :mod:`.summarize`: the numbers of a year's summary; a project's card
- :mod:`.render`: pages: the notebook pages, the year pages, the index (templates as package data)
- :mod:`.site`: the site's public names, over ``site_parts``, ``year_pages``, ``project_pages``, ``site_index``
  and ``reference_pages``
- :mod:`.plots`: the year's figures, over ``figure_base``, ``change_plots``, ``quality_plots``
- :mod:`.rule_trace_view`: the reading trace as HTML (which reading rule made which cell)
"""
