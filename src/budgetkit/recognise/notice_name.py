"""The project's name from the notice that publishes its table, where the table prints none.

A finance department's notice passes funds down and attaches their target table (海南 琼财建〔2022〕429号:
``…现下达你单位2021年第四季度省级会展项目奖励资金(具体项目及金额详见附件)…``, then 附件2 项目绩效目标表 with no
项目名称 row). The funds the notice names are the table's project. The words (the verbs, the addressees, the
words a name of funds ends with) are data: ``metadata/notice_words.csv``. Reading rule ``name.from-notice``
(``metadata/reading_rules.csv``): it fires where a notice above a table names funds; the name is taken only where
the table prints none.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from budgetkit.model import rules
from budgetkit.model.fields import read_metadata
from budgetkit.vocab.vocabulary import qualifier_kind

logger = logging.getLogger(__name__)

#: The reason a table's name read from its notice carries.
NOTICE_NAME_REASON = "project name read from the notice above the table (the table prints none)"


@cache
def _words() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for row in read_metadata("notice_words"):
        out.setdefault(row["kind"], []).append(row["word"])
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@cache
def _notice_re() -> re.Pattern[str]:
    w = _words()
    verbs, addressees, funds, ends = ("|".join(map(re.escape, w[k])) for k in ("verb", "addressee", "funds", "end"))
    # the name: no sentence or clause break inside, ending with a funds word before a bracket, a break or 的通知
    return re.compile(rf"(?:{verbs})(?:{addressees})?(?P<name>[^,，。;；:：()（）\s]{{2,60}}?(?:{funds}))"
                      rf"(?=[(（,，。;；]|$|{ends})")


def name_from_notice(text: str) -> str | None:
    """The funds a notice passes down, named in ``text`` (the first such phrase), else ``None``.

    Examples:
        >>> name_from_notice("为支持会展业发展,现下达你单位2021年第四季度省级会展项目奖励资金(具体项目详见附件)")
        '2021年第四季度省级会展项目奖励资金'
        >>> name_from_notice("关于下达2024年农村文化建设配套补助经费的通知")
        '2024年农村文化建设配套补助经费'
        >>> name_from_notice("现将有关事项通知如下"), name_from_notice("下达你单位的任务已完成。")
        (None, None)
    """
    m = _notice_re().search(text)
    return m["name"] if m is not None and rules.enabled("name.from-notice") else None


#: A cell opening with a column's head and its unit (分配金额(万元)…).
_HEAD_WITH_UNIT_RE = re.compile(r"^[^\d()（）\s]{2,10}(?P<unit>[(（][^()（）]{1,8}[)）])")


def opens_with_column_head(text: str) -> bool:
    """Whether ``text``, read as a name, opens with a column's head and its unit.

    Then the name label before it heads a list's column (序号 | 单位名称 | 会展项目名称 | 分配金额(万元) | rows …):
    the text is no name.

    Examples:
        >>> opens_with_column_head("分配金额(万元)1省卫生健康委2021第五届海南国际健康产业博览会500")
        True
        >>> opens_with_column_head("职工困难医疗救助(第二批)"), opens_with_column_head("某某项目")
        (False, False)
    """
    m = _HEAD_WITH_UNIT_RE.match(text)
    return m is not None and qualifier_kind(m["unit"]) == "unit"
