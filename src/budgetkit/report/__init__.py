"""The report layer: tables for reading, pages, and the site under ``reports/``.

=================  =========================================================================
module             what it does
=================  =========================================================================
:mod:`.codes`      Chinese and English words for code values (``closes`` → 吻合 closes)
:mod:`.display`    :class:`~.display.ReadingTable`: full text, Chinese headers, formatted, escaped
:mod:`.errors`     a failed notebook or file in plain words, with relative paths
:mod:`.summarize`  the numbers of a year's summary; a project's card
:mod:`.render`     pages: the notebook pages, the year pages, the index (templates as package data)
=================  =========================================================================
"""
