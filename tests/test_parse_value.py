"""Table-driven tests of the 指标值 parser over every value shape in DOMAIN.md and the seed, plus adversarial strings."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from budgetkit.errors import BudgetkitError, ParseError
from budgetkit.vocab.values import KINDS, load_units, parse_indicator_value, parse_indicator_values

D = dt.date

# (printed, year, expected fields); fields not named must be None
CASES = [
    # counts
    pytest.param("200户", None, dict(kind="count", op="=", num=200.0, unit="户"), id="count-households"),
    pytest.param("2225户", None, dict(kind="count", op="=", num=2225.0, unit="户"), id="count-four-digits"),
    # units printed in traditional script read as units.csv spells them (the value keeps its print)
    pytest.param("28.8萬元", None, dict(kind="money", op="=", num=28.8, unit="万元", value_yuan=288000.0),
                 id="traditional-money-unit"),
    pytest.param("≤5000元/戶", None, dict(kind="rate", op="≤", num=5000.0, unit="元", per_unit="户",
                                          value_yuan=5000.0), id="traditional-per-unit"),
    pytest.param("100萬人次", None, dict(kind="count", op="=", num=100.0, unit="万人次"), id="traditional-count-unit"),
    pytest.param("约150人", None, dict(kind="count", op="≈", qualifier="约", num=150.0, unit="人"), id="approx-people"),
    pytest.param("大于40人", None, dict(kind="count", op=">", qualifier="大于", num=40.0, unit="人"), id="greater-than-word"),
    pytest.param("≥200人", None, dict(kind="count", op="≥", num=200.0, unit="人"), id="at-least-sign"),
    pytest.param("≤300人", None, dict(kind="count", op="≤", num=300.0, unit="人"), id="at-most-sign"),
    pytest.param("100例", None, dict(kind="count", op="=", num=100.0, unit="例"), id="cases"),
    pytest.param("10类", None, dict(kind="count", op="=", num=10.0, unit="类"), id="categories"),
    pytest.param("2500课时", None, dict(kind="count", op="=", num=2500.0, unit="课时"), id="class-hours"),
    pytest.param("12个月", None, dict(kind="count", op="=", num=12.0, unit="个月"), id="months-two-char-unit"),
    pytest.param("2天", None, dict(kind="count", op="=", num=2.0, unit="天"), id="days"),
    pytest.param("5项", None, dict(kind="count", op="=", num=5.0, unit="项"), id="items"),
    pytest.param("4次", None, dict(kind="count", op="=", num=4.0, unit="次"), id="times-without-period"),
    pytest.param("4处以上", None, dict(kind="count", op="≥", qualifier="以上", num=4.0, unit="处"), id="suffix-yishang"),
    pytest.param("不少于20门", None, dict(kind="count", op="≥", qualifier="不少于", num=20.0, unit="门"), id="bushaoyu"),
    pytest.param("3个工作日内", None, dict(kind="count", op="≤", qualifier="内", num=3.0, unit="个工作日"), id="within-days"),
    pytest.param("1,200人", None, dict(kind="count", op="=", num=1200.0, unit="人"), id="thousands-comma"),
    pytest.param("１２００人", None, dict(kind="count", op="=", num=1200.0, unit="人"), id="full-width-digits"),
    pytest.param("200⼾", None, dict(kind="count", op="=", num=200.0, unit="户"), id="kangxi-radical-household"),
    pytest.param("3000平方米", None, dict(kind="count", op="=", num=3000.0, unit="平方米"), id="square-metres"),
    pytest.param("≥3000 平方米", None, dict(kind="count", op="≥", num=3000.0, unit="平方米"), id="space-before-unit"),
    pytest.param("5吨", None, dict(kind="count", op="=", num=5.0, unit="吨"), id="unit-from-vocabulary"),
    pytest.param("3座桥", None, dict(kind="count", op="=", num=3.0, unit="座桥"), id="unit-not-in-vocabulary"),
    # percents
    pytest.param("≥90％", None, dict(kind="percent", op="≥", num=90.0, unit="%"), id="percent-full-width-sign"),
    pytest.param("≥90%", None, dict(kind="percent", op="≥", num=90.0, unit="%"), id="percent-ascii-sign"),
    pytest.param(">=95%", None, dict(kind="percent", op="≥", num=95.0, unit="%"), id="ascii-ge"),
    pytest.param("<=5%", None, dict(kind="percent", op="≤", num=5.0, unit="%"), id="ascii-le"),
    pytest.param("＞80％", None, dict(kind="percent", op=">", num=80.0, unit="%"), id="full-width-gt"),
    pytest.param("≧85%", None, dict(kind="percent", op="≥", num=85.0, unit="%"), id="geqq-sign"),
    pytest.param("100%", None, dict(kind="percent", op="=", num=100.0, unit="%"), id="percent-bare"),
    pytest.param("90%以上", None, dict(kind="percent", op="≥", qualifier="以上", num=90.0, unit="%"), id="percent-suffix"),
    pytest.param("不低于95%", None, dict(kind="percent", op="≥", qualifier="不低于", num=95.0, unit="%"), id="budiyu"),
    pytest.param("≥ 98 %", None, dict(kind="percent", op="≥", num=98.0, unit="%"), id="spaces-inside"),
    pytest.param("99.5%", None, dict(kind="percent", op="=", num=99.5, unit="%"), id="percent-decimal"),
    pytest.param("120%", None, dict(kind="percent", op="=", num=120.0, unit="%"), id="percent-over-100-kept"),
    # money and rates
    pytest.param("6万元", None, dict(kind="money", op="=", num=6.0, unit="万元", value_yuan=60000.0), id="money-wan"),
    pytest.param("≤500万元", None, dict(kind="money", op="≤", num=500.0, unit="万元", value_yuan=5_000_000.0), id="money-cap"),
    pytest.param("8,868,600元", None, dict(kind="money", op="=", num=8868600.0, unit="元", value_yuan=8868600.0), id="money-commas"),
    pytest.param("平均3250元/户", None, dict(kind="rate", op="=", qualifier="平均", num=3250.0, unit="元", per_unit="户", value_yuan=3250.0), id="average-per-household"),
    pytest.param("250万", None, dict(kind="money", op="=", num=250.0, unit="万", value_yuan=2500000.0), id="wan-without-yuan"),
    pytest.param("≥80M", None, dict(kind="count", op="≥", num=80.0, unit="M"), id="metres-in-latin-letters"),
    pytest.param("780元/生/年", None, dict(kind="rate", op="=", num=780.0, unit="元", per_unit="生/年", value_yuan=780.0), id="per-pupil-per-year"),
    pytest.param("≤200元/人/次", None, dict(kind="rate", op="≤", num=200.0, unit="元", per_unit="人/次", value_yuan=200.0), id="per-person-per-visit"),
    pytest.param("0.6万元/平方米/年", None, dict(kind="rate", op="=", num=0.6, unit="万元", per_unit="平方米/年", value_yuan=6000.0), id="wan-per-square-metre-per-year"),
    pytest.param("人均6000元", None, dict(kind="rate", op="=", qualifier="人均", num=6000.0, unit="元", per_unit="人", value_yuan=6000.0), id="per-capita-prefix"),
    pytest.param("≤0.89万元/年", None, dict(kind="rate", op="≤", num=0.89, unit="万元", per_unit="年", value_yuan=8900.0), id="wan-per-year-cap"),
    pytest.param("≤0.014万元/年", None, dict(kind="rate", op="≤", num=0.014, unit="万元", per_unit="年", value_yuan=140.0), id="wan-small-decimal"),
    pytest.param("510元/天", None, dict(kind="rate", op="=", num=510.0, unit="元", per_unit="天", value_yuan=510.0), id="per-day"),
    pytest.param("150元/课时", None, dict(kind="rate", op="=", num=150.0, unit="元", per_unit="课时", value_yuan=150.0), id="per-class-hour"),
    pytest.param("32000元/月", None, dict(kind="rate", op="=", num=32000.0, unit="元", per_unit="月", value_yuan=32000.0), id="per-month"),
    pytest.param("13500元/次", None, dict(kind="rate", op="=", num=13500.0, unit="元", per_unit="次", value_yuan=13500.0), id="per-time"),
    pytest.param("≤5000元/人", None, dict(kind="rate", op="≤", num=5000.0, unit="元", per_unit="人", value_yuan=5000.0), id="cap-per-person"),
    pytest.param("户均1.5万元", None, dict(kind="rate", op="=", qualifier="户均", num=1.5, unit="万元", per_unit="户", value_yuan=15000.0), id="per-household-wan"),
    pytest.param("50人/班", None, dict(kind="rate", op="=", num=50.0, unit="人", per_unit="班"), id="non-money-rate"),
    # frequencies
    pytest.param("≥4次/周", None, dict(kind="frequency", op="≥", num=4.0, unit="次", per_unit="周"), id="times-per-week"),
    pytest.param("每月1次", None, dict(kind="frequency", op="=", qualifier="每月", num=1.0, unit="次", per_unit="月"), id="monthly-once"),
    pytest.param("每年不少于2次", None, dict(kind="frequency", op="≥", qualifier="每年", num=2.0, unit="次", per_unit="年"), id="yearly-at-least"),
    pytest.param("每季度1次", None, dict(kind="frequency", op="=", qualifier="每季度", num=1.0, unit="次", per_unit="季度"), id="quarterly"),
    # deadlines
    pytest.param("2025年12月底前", None, dict(kind="deadline", op="≤", deadline=D(2025, 12, 31)), id="end-of-month"),
    pytest.param("2025年12月20日前", None, dict(kind="deadline", op="≤", deadline=D(2025, 12, 20)), id="day-before"),
    pytest.param("2025年1-12月", None, dict(kind="deadline", op="≤", deadline=D(2025, 12, 31)), id="month-range"),
    pytest.param("2025年1月至6月", None, dict(kind="deadline", op="≤", deadline=D(2025, 6, 30)), id="month-range-zhi"),
    pytest.param("2024年2月底前", None, dict(kind="deadline", op="≤", deadline=D(2024, 2, 29)), id="leap-february"),
    pytest.param("2025年6月", None, dict(kind="deadline", op="=", deadline=D(2025, 6, 30)), id="month-alone"),
    pytest.param("2025年6月中旬", None, dict(kind="deadline", op="=", deadline=D(2025, 6, 20)), id="mid-month"),
    pytest.param("±3%以内", None, dict(kind="percent", op="≤", qualifier="以内", num=3.0, unit="%"), id="tolerance-within"),
    pytest.param("2023.07-2024.01", None, dict(kind="deadline", op="≤", deadline=D(2024, 1, 31)), id="dotted-period-ends-its-last-month"),
    pytest.param("2024.1.1-2024.12.31", None, dict(kind="deadline", op="≤", deadline=D(2024, 12, 31)), id="dotted-period-of-days"),
    pytest.param("2024-01至2024-06", None, dict(kind="deadline", op="≤", deadline=D(2024, 6, 30)), id="dashed-period-zhi"),
    pytest.param("2024.12.31前", None, dict(kind="deadline", op="≤", deadline=D(2024, 12, 31)), id="dotted-day-before"),
    pytest.param("2024.13.1", None, dict(kind="text", op="=", num=2024.13), id="dotted-not-a-date"),
    pytest.param("2023.07", None, dict(kind="count", op="=", num=2023.07), id="a-decimal-is-no-month"),
    pytest.param("2025年底前", None, dict(kind="deadline", op="≤", deadline=D(2025, 12, 31)), id="end-of-year"),
    pytest.param("12月初", 2025, dict(kind="deadline", op="=", deadline=D(2025, 12, 10)), id="early-month-budget-year"),
    pytest.param("12月初", None, dict(kind="deadline", op="="), id="early-month-no-year"),
    pytest.param("年底前", 2026, dict(kind="deadline", op="≤", deadline=D(2026, 12, 31)), id="year-end-budget-year"),
    pytest.param("每月20日前", None, dict(kind="deadline", op="≤", qualifier="每月", num=20.0, unit="日", per_unit="月"), id="monthly-deadline"),
    pytest.param("２０２５年１２月底前", None, dict(kind="deadline", op="≤", deadline=D(2025, 12, 31)), id="full-width-deadline"),
    # qualitative
    pytest.param("有所缓解", None, dict(kind="qualitative", qualifier="有所"), id="youso"),
    pytest.param("逐步改善", None, dict(kind="qualitative", qualifier="逐步"), id="zhubu"),
    pytest.param("显著提升", None, dict(kind="qualitative", qualifier="显著"), id="xianzhu"),
    pytest.param("受助劳模生活得到有效改善", None, dict(kind="qualitative", qualifier="得到"), id="first-vague-word"),
    pytest.param("优等", None, dict(kind="qualitative", qualifier="优等"), id="grade"),
    pytest.param("是", None, dict(kind="qualitative"), id="yes-no-word"),
    pytest.param("2025年13月底前", None, dict(kind="text", op="=", num=2025.0, unit="年"), id="impossible-month-is-text"),
    # sentences with numbers
    pytest.param("全年开设60门以上职工群众喜闻乐见的公益课程", None, dict(kind="text", op="≥", qualifier="以上", num=60.0, unit="门"), id="sentence-yishang"),
    pytest.param("在基层社区开设不少于20门公益课程,让职工群众在家门口享受丰富的文化服务", None, dict(kind="text", op="≥", qualifier="不少于", num=20.0, unit="门"), id="sentence-bushaoyu"),
    pytest.param("通过问卷调查、座谈会等方式了解职工意见建议,每年不少于2次", None, dict(kind="text", op="≥", qualifier="不少于", num=2.0, unit="次", per_unit="年"), id="sentence-per-year"),
    pytest.param("打造4处以上文化展示区域", None, dict(kind="text", op="≥", qualifier="以上", num=4.0, unit="处"), id="sentence-sites"),
    pytest.param("补助标准为6万元的项目", None, dict(kind="text", op="=", num=6.0, unit="万元", value_yuan=60000.0), id="sentence-money"),
]

FIELDS = ("kind", "op", "qualifier", "num", "unit", "per_unit", "deadline", "value_yuan")


@pytest.mark.parametrize(("printed", "year", "expected"), CASES)
def test_parse_indicator_value(printed, year, expected):
    got = parse_indicator_value(printed, year=year)
    assert got.raw == printed
    assert {f: getattr(got, f) for f in FIELDS} == {f: expected.get(f) for f in FIELDS}


def test_every_seed_value_gets_a_kind():
    """Every 指标值 of the seed parses to a kind; numbers appear for all but qualitative ones."""
    from pathlib import Path

    from budgetkit.parse import parse_file

    root = Path(__file__).resolve().parents[1]
    tables = parse_file(root / "data/raw/2025/nx-federation-of-trade-unions-2025-project-performance-targets.txt")
    kinds = tables.indicators["kind"]
    assert kinds.notna().all() and set(kinds) <= set(KINDS)
    measurable = tables.indicators[~kinds.isin(["qualitative", "deadline"])]
    assert measurable["num"].notna().all()
    assert set(kinds) >= {"count", "percent", "money", "rate", "deadline", "frequency", "qualitative", "text"}


@pytest.mark.parametrize("printed", [pytest.param("", id="empty"), pytest.param("  \u3000 ", id="blank-ideographic")])
def test_empty_value_is_a_parse_error(printed):
    with pytest.raises(ParseError) as err:
        parse_indicator_value(printed)
    assert isinstance(err.value, BudgetkitError)
    assert "empty 指标值" in str(err.value)


def test_frame_has_fixed_columns_and_types():
    frame = parse_indicator_values(["200户", "≤0.89万元/年", "2025年12月底前", "有所缓解"], year=2025)
    assert list(frame.columns) == ["op", "qualifier", "num", "unit", "per_unit", "kind", "deadline", "value_yuan"]
    assert frame["kind"].tolist() == ["count", "rate", "deadline", "qualitative"]
    assert str(frame["deadline"].dtype).startswith("datetime64")
    assert math.isclose(frame.loc[1, "value_yuan"], 8900.0)
    assert parse_indicator_values([]).empty


def test_units_vocabulary_is_consistent():
    units = load_units()
    assert {row["kind"] for row in units.values()} == {"money", "percent", "count"}
    for unit, row in units.items():
        assert (row["kind"] == "money") == bool(row["yuan_factor"]), unit
