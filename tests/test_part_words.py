"""The words printed before a part of a sum (其中, 含): one home, ``metadata/part_words.csv`` (issue 22).

A part word is read with the label after it (其中:财政拨款 is the label 财政拨款), never as a label of its own,
and at the end of an amount's cell it opens the next label (``886.8 其中:``).
"""

from __future__ import annotations

import pytest

from budgetkit.model.fields import read_metadata
from budgetkit.vocab.amounts import parse_amount
from budgetkit.vocab.part_words import part_prefix_re, part_words
from budgetkit.vocab.vocabulary import lookup

WORDS = [row["word"] for row in read_metadata("part_words")]


def test_the_part_words_are_the_files():
    assert sorted(part_words()) == sorted(WORDS) and len(WORDS) >= 2


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("printed", [
    pytest.param("{w}:财政拨款", id="colon"),
    pytest.param("{w}财政拨款", id="glued"),
    pytest.param("{w}：财政拨款", id="fullwidth-colon"),
])
def test_a_part_word_is_read_with_the_label_after_it(word, printed):
    m = lookup(printed.format(w=word))
    assert m is not None and (m.term.role, m.term.field) == ("field", "fiscal")


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize(("cell", "amount"), [
    pytest.param("886.8 {w}:", 886.8, id="after-an-amount"),
    pytest.param("12.50 {w}", 12.5, id="no-colon"),
])
def test_a_part_word_ending_an_amount_cell_opens_the_next_label(word, cell, amount):
    assert parse_amount(cell.format(w=word))[0] == pytest.approx(amount)


@pytest.mark.parametrize(("text", "whole", "at_end"), [
    pytest.param("其中:", True, True, id="alone"),
    pytest.param("含", True, True, id="one-character"),
    pytest.param("其中:财政拨款", False, False, id="before-a-label"),
    pytest.param("包含", False, True, id="inside-a-word-at-the-end"),
    pytest.param("中其", False, False, id="characters-reversed"),
])
def test_part_prefix_patterns(text, whole, at_end):
    assert (part_prefix_re(whole=True).match(text) is not None) is whole
    assert (part_prefix_re(at_end=True).search(text) is not None) is at_end
